// What the client verbs share: where the API is, whose key pair signs, the official SDK clients
// (postgres, and the common client for any other action), output and failure handling, prompts.
import fs from 'node:fs';
import path from 'node:path';
import * as tc from 'tencentcloud-sdk-nodejs';
import { CommonClient } from 'tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js';
import { Option, type Command } from 'commander';
import { credentialsFile } from './credentials.ts';

export type PostgresClient = InstanceType<typeof tc.postgres.v20170312.Client>;

export interface ClientOptions {
  endpoint?: string;
  region?: string;
  dataDir?: string;
  output?: string;
}

/** The options every client verb takes (flags win over the environment, which wins over defaults). */
export function clientOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--endpoint <host:port>', 'the pgcloud API (http://host:port or host:port)').env('PGCLOUD_ENDPOINT').default('127.0.0.1:8432'))
    .addOption(new Option('--region <region>', 'region of the requests').env('PGCLOUD_REGION').default('ap-guangzhou'))
    .addOption(new Option('--data-dir <dir>', 'where credentials.json is (when PGCLOUD_SECRET_ID/KEY are not set)').env('PGCLOUD_DATA_DIR'))
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'));
}

export interface Credential {
  secretId: string;
  secretKey: string;
}

/** PGCLOUD_SECRET_ID/PGCLOUD_SECRET_KEY, else <data dir>/credentials.json. */
export function loadCredential(dataDir: string | undefined): Credential {
  const { PGCLOUD_SECRET_ID: secretId, PGCLOUD_SECRET_KEY: secretKey } = process.env;
  if (secretId && secretKey) return { secretId, secretKey };
  if (secretId || secretKey) throw new CliError('PGCLOUD_SECRET_ID and PGCLOUD_SECRET_KEY must be set together');
  const file = credentialsFile(path.resolve(dataDir || process.env.PGCLOUD_DATA_DIR || './.pgcloud'));
  let doc: Partial<Credential>;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e: any) {
    throw new CliError(
      e?.code === 'ENOENT'
        ? `no credentials: set PGCLOUD_SECRET_ID and PGCLOUD_SECRET_KEY, or point --data-dir at the directory with credentials.json (looked for ${file})`
        : `cannot read ${file}: ${e?.message ?? e}`,
    );
  }
  if (typeof doc.secretId !== 'string' || typeof doc.secretKey !== 'string') throw new CliError(`${file} has no secretId/secretKey`);
  return { secretId: doc.secretId, secretKey: doc.secretKey };
}

/** "http://h:p" / "https://h:p" / "h:p" → the SDK's protocol and endpoint. */
export function httpProfile(endpoint: string): { protocol: string; endpoint: string; reqTimeout: number } {
  const m = /^(https?):\/\/(.*?)\/*$/i.exec(endpoint);
  return { protocol: m ? `${m[1]!.toLowerCase()}://` : 'http://', endpoint: m ? m[2]! : endpoint, reqTimeout: 60 };
}

export function postgresClient(o: ClientOptions): PostgresClient {
  return new tc.postgres.v20170312.Client({
    credential: loadCredential(o.dataDir),
    region: o.region ?? 'ap-guangzhou',
    profile: { httpProfile: httpProfile(o.endpoint ?? '127.0.0.1:8432') },
  });
}

/** Any action of any service, as tccli does. The gateway finds the service from the action and version. */
export function commonClient(o: ClientOptions, service: string, version: string): CommonClient {
  return new CommonClient(`${service}.tencentcloudapi.com`, version, {
    credential: loadCredential(o.dataDir),
    region: o.region ?? 'ap-guangzhou',
    profile: { httpProfile: httpProfile(o.endpoint ?? '127.0.0.1:8432') },
  });
}

/** A failure to report as is (no stack): exit code 1, message on stderr. */
export class CliError extends Error {}

/**
 * Runs a verb: on failure prints the API's code and message (or the error's message) on stderr and
 * sets a non-zero exit code.
 */
export function run<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e: any) {
      if (e instanceof CliError) process.stderr.write(`pgcloud: ${e.message}\n`);
      else if (e?.code && e?.requestId !== undefined) process.stderr.write(`pgcloud: ${e.code}: ${e.message}${e.requestId ? ` (RequestId ${e.requestId})` : ''}\n`);
      else if (e?.code && typeof e.code === 'string' && /^[A-Z]/.test(e.code)) process.stderr.write(`pgcloud: ${e.code}: ${e.message}\n`);
      else process.stderr.write(`pgcloud: ${e?.message ?? e}\n`);
      process.exitCode = e?.exitCode ?? 1;
    }
  };
}

export const printJson = (value: unknown): void => void process.stdout.write(JSON.stringify(value, null, 2) + '\n');

/** A fixed-width table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Reads a line from the terminal without echoing it. */
export async function promptSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new CliError('no terminal to ask for the password on: set PGCLOUD_ADMIN_PASSWORD');
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new CliError('interrupted'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Asks a question on the terminal and returns the answer line. */
export async function promptLine(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('no terminal to confirm on: pass --yes');
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
