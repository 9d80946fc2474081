// Template clusters: for each (major, encoding) one stopped cluster made once by initdb into a temporary
// directory and renamed into templates/<major>-<encoding>, so its presence means it is complete. A new
// instance is a copy of it. Concurrent requests for the same template share one initdb.
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Binaries } from './binaries.ts';
import type { RunAs } from './runas.ts';
import type { Layout } from './layout.ts';
import { BOOTSTRAP_USER, CONF_FILE, INCLUDE_LINE } from './config.ts';
import { killAll, processesInside } from './process.ts';

export type Encoding = 'UTF8' | 'LATIN1';
export const ENCODINGS: readonly Encoding[] = ['UTF8', 'LATIN1'];

/** Runs fn over items with at most `limit` running at once; rejects with the first error after all settle. */
export async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try {
        await fn(item);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length) throw errors[0];
}

export class Templates {
  private readonly pending = new Map<string, Promise<string>>();
  /** Aborted by abort(): a running initdb is killed and its temporary directory removed. */
  private stopping = new AbortController();
  private readonly layout: Layout;
  private readonly binaries: Map<string, Binaries>;
  private readonly runAs: RunAs;
  private readonly log: Logger;

  constructor(layout: Layout, binaries: Map<string, Binaries>, runAs: RunAs, log: Logger) {
    this.layout = layout;
    this.binaries = binaries;
    this.runAs = runAs;
    this.log = log;
  }

  /**
   * Removes temporary directories left by an initdb interrupted by a crash (kill such orphaned initdb
   * processes first). Best effort; call before any ensure().
   */
  async cleanStale(): Promise<void> {
    for (const name of fs.readdirSync(this.layout.templates)) {
      if (!name.startsWith('.tmp-')) continue;
      await fs.promises
        .rm(path.join(this.layout.templates, name), { recursive: true, force: true })
        .catch((e) => this.log.warn({ err: e }, 'could not remove an interrupted template'));
    }
  }

  /**
   * Shutdown: kills the initdb runs in progress (the background prewarm among them) and waits until
   * their temporary directories are gone, so no process of ours writes under the data directory after.
   */
  async abort(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.pending.values()]);
    this.stopping = new AbortController(); // later ensure() calls (a restarted engine) work again
  }

  /** The path of the template cluster, made if missing. */
  ensure(major: string, encoding: Encoding): Promise<string> {
    const key = `${major}-${encoding}`;
    let p = this.pending.get(key);
    if (!p) {
      p = this.make(major, encoding);
      this.pending.set(key, p);
      p.catch(() => this.pending.delete(key)); // a failure can be retried
    }
    return p;
  }

  async prepare(majors: string[], encodings: Encoding[], concurrency = 2): Promise<void> {
    const jobs = majors.flatMap((m) => encodings.map((e) => [m, e] as const));
    await mapLimit(jobs, concurrency, async ([m, e]) => {
      await this.ensure(m, e);
    });
  }

  private async make(major: string, encoding: Encoding): Promise<string> {
    const bin = this.binaries.get(major);
    if (!bin) throw new Error(`PostgreSQL ${major} is not installed`);
    if (!ENCODINGS.includes(encoding)) throw new Error(`unsupported encoding ${encoding}`);
    const final = this.layout.template(major, encoding);
    if (fs.existsSync(final)) return final;

    const started = Date.now();
    const tmp = path.join(this.layout.templates, `.tmp-${major}-${encoding}-${randomBytes(4).toString('hex')}`);
    fs.mkdirSync(tmp, { mode: 0o700 });
    let initdb: ChildProcess | undefined;
    try {
      this.runAs.chown(tmp);
      const args = ['-D', tmp, '-U', BOOTSTRAP_USER, '-E', encoding, '--locale=C', '--auth=trust', '-N'];
      await new Promise<void>((resolve, reject) => {
        const opts = { cwd: '/', env: this.runAs.env(), ...this.runAs.spawnIds(), maxBuffer: 16 << 20, signal: this.stopping.signal, killSignal: 'SIGKILL' as const };
        initdb = execFile(bin.initdb, args, opts, (err, stdout, stderr) => {
          if (err) reject(new Error(`initdb of PostgreSQL ${major} (${encoding}) failed: ${err.message}\n${stderr || stdout}`.trim()));
          else resolve();
        });
      });
      // The per-instance settings live in pgcloud.conf, written before every start.
      fs.appendFileSync(path.join(tmp, 'postgresql.conf'), `\n# pgcloud's per-instance settings\n${INCLUDE_LINE}\n`);
      const conf = path.join(tmp, CONF_FILE);
      fs.writeFileSync(conf, '', { mode: 0o600 });
      this.runAs.chown(conf);
      try {
        fs.renameSync(tmp, final);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !fs.existsSync(final)) throw e;
        fs.rmSync(tmp, { recursive: true, force: true }); // someone else made it first
      }
      this.log.info({ major, encoding, ms: Date.now() - started }, 'template cluster ready');
      return final;
    } catch (e) {
      // An aborted execFile answers at once, before initdb is gone; and a killed initdb leaves its
      // bootstrap backend (cwd in tmp) writing until it sees its input close.
      const child = initdb as ChildProcess | undefined;
      if (child && child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        });
      }
      await killAll(processesInside(tmp));
      fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      throw e;
    }
  }
}
