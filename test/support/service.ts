// Starts a real `pgcloud serve` process for a test: its own data directory, a free port, a fixed key
// pair, and helpers to stop it gracefully, kill it with SIGKILL, and clean up every PostgreSQL server
// it left behind.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { instanceUserName } from '../../src/engine/local/runas.ts';
import { mountsUnder } from '../../src/engine/local/encryption.ts';
import { isAlive, processesInside } from '../../src/engine/local/process.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const randomKeyPair = () => {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => Array.from(randomBytes(n), (b) => a[b % a.length]).join('');
  return { secretId: 'AKID' + pick(32), secretKey: pick(32) };
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** How long a service may take to answer /healthz after its start, and to exit after SIGTERM. */
const START_DEADLINE_MS = 180_000;
const STOP_DEADLINE_MS = 120_000;

export interface TestService {
  endpoint: string; // "127.0.0.1:PORT", as the SDK's httpProfile.endpoint wants it
  url: string;
  port: number;
  dataDir: string;
  secretId: string;
  secretKey: string;
  output(): string;
  /** The service process's pid while it runs (benches measure its CPU). */
  pid(): number | undefined;
  /** Starts the service again on the same data directory and port (after stop or kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  /** Stops the service and every PostgreSQL server under its data directory, then removes the directory. */
  cleanup(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
}

export async function startService(opts: StartOptions = {}): Promise<TestService> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-test-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const keys = randomKeyPair();
  let child: ChildProcess | undefined;
  let out = '';

  const launch = async () => {
    out = '';
    child = spawn(process.execPath, [path.join(root, 'bin', 'pgcloud.js'), 'serve'], {
      cwd: root,
      env: {
        ...process.env,
        PGCLOUD_HOST: '127.0.0.1',
        PGCLOUD_PORT: String(port),
        PGCLOUD_DATA_DIR: dataDir,
        PGCLOUD_SECRET_ID: keys.secretId,
        PGCLOUD_SECRET_KEY: keys.secretKey,
        PGCLOUD_LOG_LEVEL: process.env.PGCLOUD_LOG_LEVEL ?? 'warn',
        // Single-node instances unless a test asks for standbys: keeps the suite fast and its
        // "one postmaster per instance" assertions true (test/ha.test.ts turns it on).
        PGCLOUD_DEFAULT_STANDBY: '0',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    // A generous deadline: a loaded 2-core machine (CI, two test files at once) takes tens of seconds
    // to compile and start the service.
    const started = Date.now();
    while (Date.now() - started < START_DEADLINE_MS) {
      if (child.exitCode !== null) throw new Error(`pgcloud exited with ${child.exitCode}:\n${out}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.status === 200) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`pgcloud did not become healthy in ${START_DEADLINE_MS / 1000} s:\n${out}`);
  };

  const waitExit = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));

  try {
    await launch();
  } catch (e) {
    // Never leave a half-started service behind: its pipes would keep the test process alive for good.
    child?.kill('SIGKILL');
    if (child) await waitExit(child);
    killPostgresUnder(dataDir);
    killProcessesMentioning(dataDir);
    await waitGone(dataDir);
    removeInstanceUsers(path.join(dataDir, 'engine'));
    if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    throw e;
  }
  const svc: TestService = {
    endpoint: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    ...keys,
    output: () => out,
    pid: () => (child && child.exitCode === null ? child.pid : undefined),
    restart: launch,
    async stop() {
      if (!child) return;
      const c = child;
      c.kill('SIGTERM');
      // A graceful stop that hangs must not hang the suite: SIGKILL after a deadline, and say so.
      const killed = setTimeout(() => {
        out += `\n[test harness: no exit ${STOP_DEADLINE_MS / 1000} s after SIGTERM; SIGKILL]\n`;
        c.kill('SIGKILL');
      }, STOP_DEADLINE_MS);
      await waitExit(c);
      clearTimeout(killed);
    },
    async kill9() {
      if (!child) return;
      const c = child;
      c.kill('SIGKILL');
      await waitExit(c);
    },
    async cleanup() {
      await svc.stop();
      // PGCLOUD_TEST_LOG_DIR=dir keeps each service's output (for a failure that only CI shows).
      if (process.env.PGCLOUD_TEST_LOG_DIR) fs.writeFileSync(path.join(process.env.PGCLOUD_TEST_LOG_DIR, `${path.basename(dataDir)}.log`), out);
      killPostgresUnder(dataDir);
      // Encrypted (TDE) data directories a killed service left mounted: detached at once (lazy), so
      // nothing under the directory stays a FUSE mount once it is removed.
      unmountFuseUnder(dataDir);
      // A template the service was still making in the background (initdb, cp) dies with it too, and
      // so does initdb's bootstrap backend (its cwd is the template being made); then they are waited for.
      killProcessesMentioning(dataDir);
      await waitGone(dataDir);
      removeInstanceUsers(path.join(dataDir, 'engine'));
      fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    },
  };
  return svc;
}

/**
 * PIDs of postgres postmasters whose data directory is under dir. A child the postmaster has just
 * forked shows the postmaster's command line until it sets its own title: it is left out (its parent
 * is one of them).
 */
export function postmastersUnder(dir: string): number[] {
  const found = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!path.basename(cmd[0] ?? '').startsWith('postgres')) continue;
      const d = cmd[cmd.indexOf('-D') + 1];
      if (!cmd.includes('-D') || !d || !path.resolve(d).startsWith(path.resolve(dir) + path.sep)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      found.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* process went away */
    }
  }
  return [...found].filter(([, parent]) => !found.has(parent)).map(([pid]) => pid);
}

export function killPostgresUnder(dir: string): void {
  for (const pid of postmastersUnder(dir)) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      /* already gone */
    }
  }
}

/** Mount points at or below dir: under a test's data directory, only gocryptfs (FUSE) mounts of encrypted instances. */
export const fuseMountsUnder = mountsUnder;

export function unmountFuseUnder(dir: string): void {
  for (const m of fuseMountsUnder(dir).reverse()) {
    for (const bin of ['fusermount3', 'fusermount', 'umount']) {
      try {
        execFileSync(bin, bin === 'umount' ? ['-l', m] : ['-u', '-z', m], { stdio: 'ignore' });
        break;
      } catch {
        /* try the next tool */
      }
    }
  }
}

/** Live processes whose command line mentions dir or whose working directory is inside it. */
function processesOf(dir: string): number[] {
  const mentioning = fs.readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) return false;
    try {
      return fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir) && isAlive(Number(entry));
    } catch {
      return false; // process went away
    }
  });
  return [...new Set([...mentioning.map(Number), ...processesInside(dir)])];
}

/** SIGKILLs every process whose command line mentions dir (initdb, cp and the like) or that runs inside it. */
export function killProcessesMentioning(dir: string): void {
  for (const pid of processesOf(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* process went away */
    }
  }
}

/** Waits (up to 15 s) until no process of dir is left, SIGKILLing any that appear meanwhile. */
async function waitGone(dir: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (processesOf(dir).length && Date.now() < deadline) {
    killProcessesMentioning(dir);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ok = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
};

/** uid of a system user, or undefined if there is none. */
export const uidOfUser = (name: string): number | undefined => {
  const line = ok('getent', ['passwd', name]);
  return line === undefined ? undefined : Number(line.split(':')[2]);
};

/** Instance users whose home (the instance directory that made them) is under dir. */
export function usersMarkedUnder(dir: string): string[] {
  const root = path.resolve(dir) + path.sep;
  return (ok('getent', ['passwd']) ?? '')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 7 && /^pgcloud[-_]/.test(f[0]!) && f[4]!.startsWith('pgcloud instance ') && (f[5]! + path.sep).startsWith(root))
    .map((f) => f[0]!);
}

/**
 * Removes (as root) the per-instance system users of the instances under an engine directory: the
 * engine removes them on destroy, a test that only deletes the directory must do it itself. Call once
 * no process of the directory is left.
 */
export function removeInstanceUsers(engineDir: string): void {
  if (process.getuid?.() !== 0) return;
  const names = new Set<string>();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(path.join(engineDir, 'instances'));
  } catch {
    /* none left: the marked users below still go */
  }
  for (const entry of entries) {
    const id = entry.startsWith('.trash-') ? entry.slice('.trash-'.length).replace(/-[0-9a-f]{8}$/, '') : entry;
    if (!id.startsWith('.')) names.add(instanceUserName('pgcloud', id));
    try {
      const owner = ok('getent', ['passwd', String(fs.statSync(path.join(engineDir, 'instances', entry)).uid)])?.split(':')[0];
      if (owner && /^pgcloud[-_]/.test(owner)) names.add(owner);
    } catch {
      /* gone */
    }
  }
  // Users are marked with the instance directory that made them (their home): every one made here.
  for (const name of usersMarkedUnder(engineDir)) names.add(name);
  for (const name of names) {
    if (uidOfUser(name) !== undefined) ok('userdel', [name]);
    if (ok('getent', ['group', name]) !== undefined) ok('groupdel', [name]);
  }
}

export { execFileSync };
