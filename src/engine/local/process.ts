// Postmaster processes: find the one serving a data directory (via postmaster.pid, checked against
// /proc/<pid>/cmdline so a recycled pid is never mistaken for it), start one detached in its own
// session (it outlives a SIGKILLed service, whose next run adopts it), wait until it accepts
// connections, and stop one.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RunAs } from './run-as.ts';
import { sandboxed, type SandboxSpec } from './sandbox.ts';
import { LOG_DIR } from './config.ts';

export type PostmasterStatus = 'starting' | 'ready' | 'stopping' | 'standby' | 'unknown';

export interface Postmaster {
  pid: number;
  /** Its argv after the binary. */
  args: string[];
  status: PostmasterStatus;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface PidFile {
  pid: number;
  status: PostmasterStatus;
}

/** postmaster.pid: line 1 the pid, line 8 the status ("starting", "ready", "stopping", "standby"). */
function readPidFile(dataDir: string): PidFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const s = (lines[7] ?? '').trim();
  const status: PostmasterStatus = s === 'ready' || s === 'starting' || s === 'stopping' || s === 'standby' ? s : 'unknown';
  return { pid, status };
}

/** The process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function cmdline(pid: number): string[] | undefined {
  try {
    const parts = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (parts.at(-1) === '') parts.pop();
    return parts;
  } catch {
    return undefined;
  }
}

/** argv of a postmaster serving dataDir, or undefined if the process is something else. */
function postmasterArgv(pid: number, dataDir: string): string[] | undefined {
  const argv = cmdline(pid);
  if (!argv || path.basename(argv[0] ?? '') !== 'postgres') return undefined;
  const i = argv.indexOf('-D');
  if (i < 0 || path.resolve(argv[i + 1] ?? '') !== dataDir) return undefined;
  return argv;
}

/** The live postmaster of dataDir according to its postmaster.pid, if any. */
export function findPostmaster(dataDir: string): Postmaster | undefined {
  const pf = readPidFile(dataDir);
  if (!pf || !isAlive(pf.pid)) return undefined;
  const argv = postmasterArgv(pf.pid, dataDir);
  if (!argv) return undefined;
  return { pid: pf.pid, args: argv.slice(1), status: pf.status };
}

/**
 * Postgres processes of dataDir found by scanning /proc: postmasters (one whose postmaster.pid is gone)
 * and orphans, backends left by a postmaster that was killed (their cwd is the data directory); they
 * hold its shared memory, so PostgreSQL refuses to start until they are gone. Used only before
 * starting a server, so it costs nothing on the fast path.
 */
export function scanProcesses(dataDir: string): { postmasters: number[]; orphans: number[] } {
  const postmasters: number[] = [];
  const orphans: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    if (postmasterArgv(pid, dataDir)) {
      if (isAlive(pid)) postmasters.push(pid);
      continue;
    }
    try {
      if (fs.readlinkSync(`/proc/${pid}/cwd`) !== dataDir) continue;
      if (!(cmdline(pid)?.[0] ?? '').startsWith('postgres') || !isAlive(pid)) continue;
      orphans.push(pid);
    } catch {
      /* gone, or not ours to inspect */
    }
  }
  // A child a postmaster has just forked shows its parent's command line until it sets its own title.
  const forked = (pid: number) => postmasters.includes(parentOf(pid) ?? -1);
  return { postmasters: postmasters.filter((pid) => !forked(pid)), orphans: orphans.concat(postmasters.filter(forked)) };
}

/** The real uid a process runs as (from /proc/<pid>/status), or undefined if it is gone. */
export function uidOf(pid: number): number | undefined {
  try {
    const m = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Live processes with a thread running as uid (real, effective or saved): what userdel counts as using
 * the user. Threads too: gocryptfs, run as root, acts as the caller on a thread of its own.
 */
export function processesOfUid(uid: number): number[] {
  const pids: number[] = [];
  const runsAs = (status: string) => {
    const m = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status);
    return m !== null && m.slice(1, 4).map(Number).includes(uid);
  };
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const tasks = fs.readdirSync(`/proc/${entry}/task`);
      if (tasks.some((t) => runsAs(fs.readFileSync(`/proc/${entry}/task/${t}/status`, 'utf8'))) && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** Processes whose working directory is dir or below it (a bootstrap backend of an initdb writing there). */
export function processesInside(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      if ((cwd === dir || cwd.startsWith(dir + path.sep)) && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      /* gone, or not ours to inspect */
    }
  }
  return pids;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * initdb and cp processes orphaned by a SIGKILLed service: an initdb writing a template under
 * templatesDir (and the bootstrap postgres it drives, whose cwd is that directory), a cp copying one
 * into an instance under instancesDir. They would keep writing into directories the new service cleans
 * up. Helpers of this very process (its children and grandchildren) are left alone.
 */
export function orphanedHelpers(templatesDir: string, instancesDir: string): number[] {
  const pids: number[] = [];
  const tmpPrefix = path.join(templatesDir, '.tmp-');
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const argv = cmdline(pid);
    const name = path.basename(argv?.[0] ?? '');
    if (!argv || (name !== 'initdb' && name !== 'cp' && name !== 'postgres')) continue;
    let ours = false;
    if (name === 'initdb') ours = (argv[argv.indexOf('-D') + 1] ?? '').startsWith(tmpPrefix);
    else if (name === 'cp') ours = argv.some((a) => a.startsWith(instancesDir + path.sep) && /\/data\.tmp[^/]*$/.test(a));
    else {
      try {
        ours = fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(tmpPrefix);
      } catch {
        /* gone */
      }
    }
    if (!ours || !isAlive(pid)) continue;
    const parent = parentOf(pid);
    if (parent === process.pid || (parent !== undefined && parentOf(parent) === process.pid)) continue;
    pids.push(pid);
  }
  return pids;
}

/** Kills processes outright (orphaned backends of a dead postmaster) and waits until they are gone. */
export async function killAll(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await Promise.all(pids.map((pid) => waitExit(pid, 10_000)));
}

/**
 * A postmaster.pid whose pid is alive but is not a postmaster of this data directory (pid recycled after
 * a reboot): PostgreSQL would refuse to start ("lock file already exists"), so it is removed.
 */
export function removeStalePidFile(dataDir: string): void {
  const pf = readPidFile(dataDir);
  if (pf && isAlive(pf.pid) && !postmasterArgv(pf.pid, dataDir)) fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
}

/** Text written to file after offset (its last 4000 characters at most). */
/**
 * What the logging collector wrote (the text logs in the data directory's log/, see config.ts) since
 * sinceMs: once it runs, the postmaster's own errors (a port in use, ...) go there, not to its stderr.
 */
export function collectorLogSince(dataDir: string, sinceMs: number): string {
  const dir = path.join(dataDir, LOG_DIR);
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .map((f) => path.join(dir, f))
      .filter((f) => fs.statSync(f).mtimeMs >= sinceMs - 1000)
      .map((f) => logSince(f, 0))
      .join('');
  } catch {
    return '';
  }
}

export function logSince(file: string, offset: number): string {
  try {
    const size = fs.statSync(file).size;
    const from = Math.max(offset, size - 4000);
    if (size <= from) return '';
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - from);
      fs.readSync(fd, buf, 0, buf.length, from);
      return buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

export interface StartOptions {
  binary: string;
  args: string[];
  dataDir: string;
  logFile: string;
  runAs: RunAs;
  /** What to call the server in errors, e.g. "postgres-abc (127.0.0.1:5432)". */
  what: string;
  listen: string;
  timeoutMs?: number;
  /** Started in this sandbox (root only): see sandbox.ts. */
  sandbox?: Omit<SandboxSpec, 'uid' | 'gid'>;
  /** Called when the postmaster, once it accepted connections, exits (crash, stop, kill): the reconciler looks at it at once. */
  onExit?: (how: string) => void;
}

const rotateAt = 16 * 1048576;

/** Starts a postmaster detached, its stdout/stderr appended to logFile; resolves with its pid once it accepts connections. */
export async function startPostmaster(o: StartOptions): Promise<number> {
  try {
    if (fs.statSync(o.logFile).size > rotateAt) fs.renameSync(o.logFile, o.logFile + '.1');
  } catch {
    /* no log yet */
  }
  const fd = fs.openSync(o.logFile, 'a', 0o600);
  const startedAt = Date.now();
  let offset = 0;
  let child;
  try {
    o.runAs.chown(o.logFile);
    offset = fs.fstatSync(fd).size;
    // Sandboxed: started as root, which makes the namespace and then becomes the run user; the
    // postmaster keeps the pid of the process spawned here (each step execs the next).
    const cmd = o.sandbox ? sandboxed(o.binary, o.args, { ...o.sandbox, uid: o.runAs.uid, gid: o.runAs.gid }) : { file: o.binary, args: o.args };
    child = spawn(cmd.file, cmd.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: o.dataDir,
      env: o.runAs.env(),
      ...(o.sandbox ? {} : o.runAs.spawnIds()),
    });
  } finally {
    fs.closeSync(fd);
  }
  child.unref();
  let exited: string | undefined;
  let spawnError: Error | undefined;
  child.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `code ${code}`));
  child.once('error', (e) => (spawnError = e));

  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    if (spawnError) throw new Error(`could not start ${o.what}: ${spawnError.message}`);
    const pid = child.pid;
    if (pid !== undefined && !exited) {
      const pf = readPidFile(o.dataDir);
      // A hot standby reports "standby" once it accepts (read-only) connections.
      if (pf?.pid === pid && (pf.status === 'ready' || pf.status === 'standby')) {
        if (o.onExit) {
          const onExit = o.onExit;
          child.once('exit', (code, signal) => onExit(signal ? `signal ${signal}` : `code ${code}`));
        }
        return pid;
      }
    }
    if (exited) {
      // The logging collector may write the postmaster's last words just after it exited: give it a moment.
      let log = '';
      for (let i = 0; i < 50; i++) {
        log = logSince(o.logFile, offset) + collectorLogSince(o.dataDir, startedAt);
        if (/FATAL|PANIC|already in use|Cannot assign/i.test(log)) break;
        await sleep(20);
      }
      if (/Address already in use/i.test(log)) throw new Error(`could not start ${o.what}: address ${o.listen} is already in use`);
      if (/Cannot assign requested address/i.test(log)) throw new Error(`could not start ${o.what}: address ${o.listen} is not available on this host`);
      throw new Error(`could not start ${o.what}: postgres exited with ${exited}; log:\n${log.trim()}`);
    }
    if (Date.now() > deadline) {
      if (child.pid) await stopPostmaster(child.pid, 10_000);
      throw new Error(`${o.what} did not accept connections within ${Math.round((o.timeoutMs ?? 60_000) / 1000)} s; log:\n${(logSince(o.logFile, offset) + collectorLogSince(o.dataDir, startedAt)).trim()}`);
    }
    await sleep(10);
  }
}

async function waitExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/**
 * Fast shutdown (SIGINT: disconnect clients, checkpoint, exit); after timeoutMs an immediate shutdown
 * (SIGQUIT), and as a last resort SIGKILL to its process group. Resolves once the process is gone.
 */
export async function stopPostmaster(pid: number, timeoutMs = 60_000): Promise<void> {
  const signal = (sig: NodeJS.Signals, target = pid) => {
    try {
      process.kill(target, sig);
    } catch {
      /* already gone */
    }
  };
  if (!isAlive(pid)) return;
  signal('SIGINT');
  if (await waitExit(pid, timeoutMs)) return;
  signal('SIGQUIT');
  if (await waitExit(pid, 10_000)) return;
  signal('SIGKILL', -pid);
  signal('SIGKILL');
  await waitExit(pid, 10_000);
}

/**
 * Waits until the postmaster pid of dataDir reports "ready" (e.g. an adopted server still starting or
 * in crash recovery). Resolves false if it exits first.
 */
export async function waitReady(dataDir: string, pid: number, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pm = findPostmaster(dataDir);
    if (!pm || pm.pid !== pid) return false;
    if (pm.status === 'ready' || pm.status === 'standby') return true;
    if (pm.status === 'stopping') {
      await waitExit(pid, timeoutMs);
      return false;
    }
    if (Date.now() > deadline) throw new Error(`the server of ${dataDir} (pid ${pid}) did not become ready within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(10);
  }
}
