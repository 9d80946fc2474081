// Which OS users run initdb and postgres. PostgreSQL refuses to run as root, so when the service is
// root every PostgreSQL process runs as an unprivileged system user (created if missing), and the
// files the engine makes for it are chowned to that user. Templates (no tenant data) run as the shared
// user `pgcloud`; each instance runs as a user of its own, `pgcloud-<suffix of its id>`, so a tenant
// that reaches a shell (COPY ... FROM PROGRAM after granting itself pg_execute_server_program, which
// CREATEROLE allows up to PostgreSQL 15) can touch only its own instance's files. Not root, everything
// runs as ourselves.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { killAll, processesOfUid } from './process.ts';
import type { RunAs } from './run-as.ts';

export const DEFAULT_RUN_USER = 'pgcloud';

export type { RunAs } from './run-as.ts';

export interface RunAsResolver {
  /** The user of templates: the shared one (`pgcloud`), or ourselves. */
  readonly shared: RunAs;
  /** The user of an instance's servers and files (node `<id>.<n>` of an HA instance shares node 0's): made if missing. */
  forInstance(engineId: string): Promise<RunAs>;
  /** Name of the instance's user (ourselves when not switching). */
  userName(engineId: string): string;
  /** Kills what still runs as the instance's user, then removes the user and its group. Idempotent. */
  removeInstanceUser(engineId: string): Promise<void>;
  /** The instance users on this host (`<prefix>-*`, `<prefix>_*`), with the marks that say whose they are. */
  listInstanceUsers(): Promise<InstanceUser[]>;
  /** Removes a user found by listInstanceUsers (its processes killed first). Idempotent. */
  removeUser(name: string): Promise<void>;
  /** How many more instance users (with their groups) the id range holds; undefined when not switching. */
  freeUserSlots(): number | undefined;
}

/**
 * An instance user as the system knows it. Each is made with its home set to the directory of the
 * instance that made it (`<engine>/instances/<id>`, never created as a home) and its comment to
 * `pgcloud instance <id>`: so several pgcloud services on one host (test suites, other users) can tell
 * their own users from the others', and a user whose data directory is gone is provably orphaned.
 */
export interface InstanceUser {
  name: string;
  uid: number;
  home: string;
  /** Made by a pgcloud that marks its users (the comment), so home is the directory of its instance. */
  marked: boolean;
}

export const USER_COMMENT_PREFIX = 'pgcloud instance ';

/**
 * The system user of an instance: `<prefix>-<id without "postgres-">`, the same for every HA node of it
 * (`<id>.1` streams over `<id>`'s socket, so they share one user). Ids that do not make a valid short
 * user name get `<prefix>_<hash>` (the "_" keeps the two forms apart). Linux allows 32 characters.
 */
export function instanceUserName(prefix: string, engineId: string): string {
  const base = engineId.replace(/\.\d+$/, '');
  const suffix = base.replace(/^postgres-/, '');
  if (/^[a-z0-9]+$/.test(suffix) && prefix.length + 1 + suffix.length <= 32) return `${prefix}-${suffix}`;
  return `${prefix}_${createHash('sha256').update(base).digest('hex').slice(0, 12)}`;
}

const run = (cmd: string, args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(cmd, args, { encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr: stderr || (err && typeof err.code !== 'number' ? err.message : '') }),
    ),
  );
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
}

const parsePasswd = (line: string): PasswdEntry | undefined => {
  const f = line.split(':');
  if (f.length < 7) return undefined;
  return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), comment: f[4]!, home: f[5]! };
};

async function lookup(name: string): Promise<PasswdEntry | undefined> {
  const r = await run('getent', ['passwd', name]);
  if (r.code !== 0) return undefined;
  return parsePasswd(r.stdout.trim());
}

// useradd/userdel lock /etc/passwd: ours run one at a time, and a lock held by another process (exit
// 10) is waited out.
let userOps: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const next = userOps.then(fn, fn);
  userOps = next.catch(() => {});
  return next;
}

async function withLockRetry(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  for (let i = 0; ; i++) {
    const r = await run(cmd, args);
    if (r.code !== 10 || i >= 50) return r;
    await sleep(100);
  }
}

/** What marks a user as an instance's: its home (the instance directory, not made) and its comment. */
interface Mark {
  home: string;
  comment: string;
}

/** A mark fits in /etc/passwd only without ":", "," (GECOS fields) and line breaks. */
const markable = (m: Mark) => ![m.home, m.comment].some((v) => /[:,\n\r]/.test(v));

/**
 * The ids instance users (and their groups, of the same number) are made with: a dedicated block high
 * above the system range (`useradd --system` has about 900 ids, far fewer than a host's instances) and
 * the regular users' range (1000..60000), in the block systemd's UIDS-GIDS.md leaves unassigned
 * between the container ranges (524288..1879048191) and 2^31. PGCLOUD_UID_BASE / PGCLOUD_UID_COUNT
 * move or size it.
 */
export interface UidRange {
  first: number;
  count: number;
}
export const DEFAULT_UID_RANGE: UidRange = { first: 0x7000_0000, count: 1_000_000 };

export function uidRangeFromEnv(env: NodeJS.ProcessEnv = process.env): UidRange {
  const first = Number(env.PGCLOUD_UID_BASE || DEFAULT_UID_RANGE.first);
  const count = Number(env.PGCLOUD_UID_COUNT || DEFAULT_UID_RANGE.count);
  if (!Number.isInteger(first) || first < 1000 || !Number.isInteger(count) || count < 1 || first + count > 0x7fff_ffff)
    throw new Error(`PGCLOUD_UID_BASE/PGCLOUD_UID_COUNT: a range of whole ids within 1000..2147483647 (got ${env.PGCLOUD_UID_BASE}/${env.PGCLOUD_UID_COUNT})`);
  return { first, count };
}

/** Ids of the range taken by anything: a user, a group, a subordinate id range (/etc/subuid, /etc/subgid), a process. */
export function takenIds(range: UidRange, files = { passwd: '/etc/passwd', group: '/etc/group', subuid: '/etc/subuid', subgid: '/etc/subgid' }): Set<number> {
  const last = range.first + range.count - 1;
  const taken = new Set<number>();
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8').split('\n');
    } catch {
      return [];
    }
  };
  for (const f of [files.passwd, files.group])
    for (const line of read(f)) {
      const id = Number(line.split(':')[2]);
      if (Number.isInteger(id) && id >= range.first && id <= last) taken.add(id);
    }
  // Subordinate ranges (user namespaces of containers) overlapping ours: every id of the overlap.
  for (const f of [files.subuid, files.subgid])
    for (const line of read(f)) {
      const [, start, n] = line.split(':').map(Number);
      if (!Number.isInteger(start) || !Number.isInteger(n)) continue;
      for (let id = Math.max(start!, range.first); id < Math.min(start! + n!, last + 1); id++) taken.add(id);
    }
  return taken;
}

/**
 * The next id for a new instance user: the first one free (as a uid and as a gid, with no process
 * running as it) after the highest taken, wrapping round: so an id just freed by a destroyed instance
 * is not handed to the next one at once (whatever it left, in /tmp or /dev/shm, stays nobody's).
 */
export function nextFreeId(range: UidRange, taken: Set<number>, skip: Set<number> = new Set(), busy: (id: number) => boolean = () => false): number | undefined {
  let high = range.first - 1;
  for (const id of taken) if (id > high) high = id;
  for (let i = 1; i <= range.count; i++) {
    const id = range.first + ((high - range.first + i) % range.count);
    if (!taken.has(id) && !skip.has(id) && !busy(id)) return id;
  }
  return undefined;
}

async function ensureSystemUser(name: string, log: Logger, mark?: Mark, range?: UidRange): Promise<{ uid: number; gid: number }> {
  const ids = await lookup(name);
  if (ids && (!mark || (ids.home === mark.home && ids.comment === mark.comment))) return ids;
  return oneAtATime(async () => {
    let ids = await lookup(name);
    if (ids && mark && (ids.home !== mark.home || ids.comment !== mark.comment)) {
      // A user of this name that is not marked as this instance's: another pgcloud's live instance of
      // the same id is refused; one of a data directory that is gone, or of an earlier pgcloud that did
      // not mark its users, becomes ours (marked now, unless a process still runs as it: next time).
      const other = ids.comment.startsWith(USER_COMMENT_PREFIX) ? path.dirname(ids.home) : undefined;
      if (other && other !== path.dirname(mark.home) && fs.existsSync(other))
        throw new Error(`system user ${name} belongs to an instance of another pgcloud service (${ids.home}); not sharing it`);
      if (markable(mark)) {
        const r = await withLockRetry('usermod', ['--home', mark.home, '--comment', mark.comment, name]);
        if (r.code === 0) log.info({ user: name, home: mark.home }, 'system user marked as this instance\'s');
      }
      return ids;
    }
    if (ids) return ids;
    log.info({ user: name }, 'creating system user for PostgreSQL processes');
    const marks = mark && markable(mark) ? ['--home-dir', mark.home, '--comment', mark.comment] : [];
    const common = ['--no-create-home', ...marks, '--shell', '/usr/sbin/nologin'];
    let r: Awaited<ReturnType<typeof run>>;
    if (!range) r = await withLockRetry('useradd', ['--system', '--user-group', ...common, name]);
    else r = await addInRange(name, common, range);
    ids = await lookup(name); // another process may have created it concurrently (useradd exits 9)
    if (!ids) throw new Error(`could not create system user ${name} (useradd: ${r.stderr.trim() || `exit ${r.code}`})`);
    return ids;
  });
}

/**
 * groupadd --gid N, then useradd --uid N --gid N, N from the range: an id another process took
 * meanwhile (exit 4, "not unique") is skipped and the next one tried. --no-log-init: lastlog and
 * faillog are sparse files indexed by uid, which ids this high would make huge.
 */
async function addInRange(name: string, common: string[], range: UidRange): Promise<{ code: number; stdout: string; stderr: string }> {
  const skip = new Set<number>();
  const busy = (id: number) => processesOfUid(id).length > 0;
  for (let attempt = 0; ; attempt++) {
    const id = nextFreeId(range, takenIds(range), skip, busy);
    if (id === undefined) return { code: -1, stdout: '', stderr: `no free id left in ${range.first}..${range.first + range.count - 1} (PGCLOUD_UID_BASE, PGCLOUD_UID_COUNT)` };
    let gid = id;
    const g = await run('getent', ['group', name]);
    if (g.code === 0) gid = Number(g.stdout.split(':')[2]); // a group of this name left behind: used as it is
    else {
      const gr = await withLockRetry('groupadd', ['--gid', String(id), name]);
      if (gr.code === 4 && attempt < 20) {
        skip.add(id);
        continue;
      }
      if (gr.code === 9) {
        // The group was made meanwhile by another process adding the same user: its gid, not ours
        // (ours may already be another user's group, which this user would then share).
        const made = await run('getent', ['group', name]);
        if (made.code !== 0 && attempt < 20) continue;
        gid = Number(made.stdout.split(':')[2]);
      } else if (gr.code !== 0) return gr;
    }
    const r = await withLockRetry('useradd', ['--uid', String(id), '--gid', String(gid), '--no-log-init', ...common, name]);
    if (r.code === 4 && attempt < 20) {
      skip.add(id);
      continue;
    }
    if (r.code !== 0 && gid === id && (await lookup(name)) === undefined) await withLockRetry('groupdel', [name]);
    return r;
  }
}

async function removeSystemUser(name: string, log: Logger): Promise<void> {
  await oneAtATime(async () => {
    const ids = await lookup(name);
    if (ids?.uid === 0) throw new Error(`user ${name} has uid 0: not removing it`);
    if (ids) {
      // userdel refuses while a process runs as the user (exit 8); what is left (a program a tenant
      // started in the background, a gocryptfs still exiting) dies with its instance, so the uid is
      // never handed on with it.
      let r: Awaited<ReturnType<typeof run>>;
      for (let i = 0; ; i++) {
        const pids = processesOfUid(ids.uid);
        if (pids.length) {
          log.warn({ user: name, pids }, 'killing processes left running as the instance user');
          await killAll(pids);
        }
        r = await withLockRetry('userdel', [name]);
        if (r.code !== 8 || i >= 5) break;
        await sleep(100);
      }
      if (r.code !== 0 && r.code !== 6) throw new Error(`could not remove system user ${name} (userdel: ${r.stderr.trim() || `exit ${r.code}`})`);
      log.info({ user: name }, 'removed system user of a destroyed instance');
    }
    // userdel removes the user's own group unless USERGROUPS_ENAB is off.
    if ((await run('getent', ['group', name])).code === 0) {
      const r = await withLockRetry('groupdel', [name]);
      // 8: another user's primary group (a user made by hand with it): kept, its id stays taken.
      if (r.code === 8) log.warn({ group: name, reason: r.stderr.trim() }, 'kept the group of a removed instance user: another user has it');
      else if (r.code !== 0 && r.code !== 6) throw new Error(`could not remove group ${name} (groupdel: ${r.stderr.trim() || `exit ${r.code}`})`);
    }
  });
}

const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' });

/** find -depth: a directory is given after its contents, so an owned top means an owned tree (symlinks not followed). */
function chownTree(p: string, uid: number, gid: number): Promise<void> {
  return run('find', [p, '-depth', '-exec', 'chown', '-h', `${uid}:${gid}`, '{}', '+']).then((r) => {
    if (r.code !== 0) throw new Error(`could not give ${p} to uid ${uid}: ${r.stderr.trim() || `exit ${r.code}`}`);
  });
}

function ourselves(): RunAs {
  const me = os.userInfo();
  return {
    name: me.username,
    uid: me.uid,
    gid: me.gid,
    switching: false,
    spawnIds: () => ({}),
    env: baseEnv,
    chown: () => {},
    chownTree: async () => {},
    checkTraversable: () => {},
  };
}

function switchingTo(name: string, uid: number, gid: number): RunAs {
  if (uid === 0) throw new Error(`user ${name} has uid 0; PostgreSQL cannot run as root`);
  return {
    name,
    uid,
    gid,
    switching: true,
    spawnIds: () => ({ uid, gid }),
    env: baseEnv,
    chown: (p) => fs.chownSync(p, uid, gid),
    chownTree: (p) => chownTree(p, uid, gid),
    checkTraversable(dir) {
      const chain: string[] = [];
      for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        chain.unshift(d);
        if (d === path.dirname(d)) break;
      }
      // Ask the kernel as that user (honours groups and ACLs) and report the first blocking directory.
      const r = spawnSync('/bin/sh', ['-c', 'for d in "$@"; do [ -x "$d" ] || { printf %s "$d"; exit 1; }; done', 'sh', ...chain], {
        uid,
        gid,
        encoding: 'utf8',
      });
      if (r.error) throw new Error(`could not check access of user ${name} to ${dir}: ${r.error.message}`);
      if (r.status !== 0)
        throw new Error(
          `user ${name}, which runs PostgreSQL, cannot traverse ${r.stdout || dir} on the way to ${dir}; ` +
            `allow it (e.g. chmod o+x ${r.stdout || dir}) or use a data directory it can reach`,
        );
    },
  };
}

/**
 * The users PostgreSQL runs as: `user` (default "pgcloud") for templates and as the prefix of instance
 * users, which are marked with their instance's directory under instancesDir.
 */
export async function resolveRunAs(user: string | undefined, log: Logger, instancesDir?: string, range: UidRange = uidRangeFromEnv()): Promise<RunAsResolver> {
  if (process.getuid?.() !== 0) {
    const me = ourselves();
    if (user && user !== me.name) log.warn({ user, me: me.name }, 'not root: PostgreSQL runs as the current user, ignoring the user option');
    return { shared: me, forInstance: async () => me, userName: () => me.name, removeInstanceUser: async () => {}, listInstanceUsers: async () => [], removeUser: async () => {}, freeUserSlots: () => undefined };
  }
  const prefix = user ?? DEFAULT_RUN_USER;
  if (prefix === 'root') throw new Error('PostgreSQL cannot run as root: choose another user');
  if (!/^[a-z_][a-z0-9_-]{0,18}$/.test(prefix)) throw new Error(`user ${prefix}: 1-19 characters of a-z, 0-9, _ and - (instance users are named after it)`);
  const shared = await ensureSystemUser(prefix, log);
  const cache = new Map<string, RunAs>();
  const userName = (engineId: string) => instanceUserName(prefix, engineId);
  const baseId = (engineId: string) => engineId.replace(/\.\d+$/, '');
  const markOf = (engineId: string): Mark | undefined =>
    instancesDir ? { home: path.join(path.resolve(instancesDir), baseId(engineId)), comment: `${USER_COMMENT_PREFIX}${baseId(engineId)}` } : undefined;
  const ours = new RegExp(`^${prefix.replace(/[-]/g, '\\-')}[-_]`);
  return {
    shared: switchingTo(prefix, shared.uid, shared.gid),
    userName,
    async forInstance(engineId) {
      const name = userName(engineId);
      let r = cache.get(name);
      if (!r) {
        const ids = await ensureSystemUser(name, log, markOf(engineId), range);
        r = switchingTo(name, ids.uid, ids.gid);
        cache.set(name, r);
      }
      return r;
    },
    async removeInstanceUser(engineId) {
      const name = userName(engineId);
      cache.delete(name);
      // Only our own (or an unmarked one of an earlier pgcloud): never another service's user of the same name.
      const ids = await lookup(name);
      const mark = markOf(engineId);
      if (ids && mark && ids.comment.startsWith(USER_COMMENT_PREFIX) && ids.home !== mark.home) {
        log.warn({ user: name, home: ids.home }, 'not removing a system user of another pgcloud service');
        return;
      }
      await removeSystemUser(name, log);
    },
    async listInstanceUsers() {
      const r = await run('getent', ['passwd']);
      if (r.code !== 0) throw new Error(`could not list system users (getent: ${r.stderr.trim() || `exit ${r.code}`})`);
      return r.stdout
        .split('\n')
        .map(parsePasswd)
        .filter((e): e is PasswdEntry => e !== undefined && ours.test(e.name) && e.uid !== 0)
        .map((e) => ({ name: e.name, uid: e.uid, home: e.home, marked: e.comment.startsWith(USER_COMMENT_PREFIX) }));
    },
    freeUserSlots: () => range.count - takenIds(range).size,
    async removeUser(name) {
      if (!ours.test(name)) throw new Error(`${name} is not an instance user`);
      cache.delete(name);
      await removeSystemUser(name, log);
    },
  };
}
