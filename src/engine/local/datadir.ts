// An instance's directories: its data directory copied from a template (into a temporary directory
// beside it, then renamed, so "data exists" means "copy complete"), its private socket directory, and
// removal by renaming into a trash name first (so a half-removed instance never looks like one).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { RunAs } from './runas.ts';
import type { InstancePaths } from './layout.ts';
import { ensureDir } from './files.ts';

const run = (cmd: string, args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile(cmd, args, { maxBuffer: 1 << 20 }, (err, _out, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`.trim())) : resolve())),
  );

/**
 * Copies the template into p.data (the caller checked it is not there yet); prepare, if given, finishes
 * the copy before it counts as made.
 */
export async function provisionData(p: InstancePaths, template: string, runAs: RunAs, log: Logger, prepare?: (dir: string) => void): Promise<void> {
  ensureDir(p.dir, 0o700, runAs.chown);
  // An encrypted instance's data path is a link into its cleartext mount: the copy is made there, beside
  // the link's target, so no cleartext byte ever lands outside the mount.
  const link = fs.lstatSync(p.data, { throwIfNoEntry: false });
  const target = link?.isSymbolicLink() ? path.resolve(p.dir, fs.readlinkSync(p.data)) : p.data;
  const parent = path.dirname(target);
  const base = path.basename(target);
  // Copies interrupted by a crash. A unique name per attempt keeps a still-running orphan cp out of ours.
  for (const name of fs.readdirSync(parent)) {
    if (!name.startsWith(`${base}.tmp`)) continue;
    await fs.promises.rm(path.join(parent, name), { recursive: true, force: true }).catch((e) => log.warn({ err: e }, 'could not remove an interrupted copy'));
  }
  const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    try {
      // -a keeps the modes; reflink makes it a cheap clone where the filesystem can.
      await run('cp', ['-a', '--reflink=auto', template, tmp]);
    } catch (e) {
      if (!/reflink/.test((e as Error).message)) throw e;
      await fs.promises.rm(tmp, { recursive: true, force: true });
      await run('cp', ['-a', template, tmp]); // a cp without --reflink
    }
    // The template is the shared user's: the copy becomes the instance user's before it counts as made.
    await runAs.chownTree(tmp);
    prepare?.(tmp);
    fs.renameSync(tmp, target);
  } catch (e) {
    await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw e;
  }
}

/** The Unix socket directory: mode 0700, owned by the PostgreSQL user, never a symlink. */
export function ensureSocketDir(p: InstancePaths, runAs: RunAs): void {
  try {
    const st = fs.lstatSync(p.sock);
    const me = process.getuid?.() ?? -1;
    if (!st.isDirectory() || (st.uid !== runAs.uid && st.uid !== me)) throw new Error(`${p.sock} exists and is not a directory of ours: refusing to use it as a socket directory`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  ensureDir(p.sock, 0o700, runAs.chown);
}

/** Whether the instance's files belong to another user than runAs (an earlier pgcloud ran every instance as one shared user). */
export function ownedByOther(p: InstancePaths, runAs: RunAs): boolean {
  if (!runAs.switching) return false;
  return [p.dir, p.data].some((d) => {
    const st = fs.statSync(d, { throwIfNoEntry: false });
    return st !== undefined && st.uid !== runAs.uid;
  });
}

/**
 * Gives the instance's files to runAs (its server stopped). What holds the data directory goes last and
 * chownTree gives a tree's top after its contents, so ownedByOther stays true until everything is done
 * and an interrupted run is simply done again. An encrypted instance's cipher/ is left alone: gocryptfs
 * gives its files the owners given in the cleartext view, and its gocryptfs.conf stays root's.
 */
export async function adoptFiles(p: InstancePaths, runAs: RunAs, sharedUid: number): Promise<void> {
  const target = fs.realpathSync(p.data);
  const holdsData = (name: string) => {
    const f = path.join(p.dir, name);
    return f === target || target.startsWith(f + path.sep);
  };
  const names = fs.readdirSync(p.dir).filter((n) => n !== 'cipher');
  names.sort((a, b) => Number(holdsData(a)) - Number(holdsData(b)));
  // A socket directory outside the instance (the /tmp fallback) left by the old server: made again at start.
  if (!p.sock.startsWith(p.dir + path.sep)) {
    const st = fs.lstatSync(p.sock, { throwIfNoEntry: false });
    if (st?.isDirectory() && st.uid === sharedUid) fs.rmSync(p.sock, { recursive: true, force: true });
  }
  for (const name of names) await runAs.chownTree(path.join(p.dir, name));
  runAs.chown(p.dir);
}

/** Removes the instance's files (its server must be stopped). Idempotent. */
export async function removeInstance(p: InstancePaths): Promise<void> {
  if (fs.existsSync(p.dir)) {
    const trash = path.join(path.dirname(p.dir), `.trash-${path.basename(p.dir)}-${randomBytes(4).toString('hex')}`);
    fs.renameSync(p.dir, trash);
    await fs.promises.rm(trash, { recursive: true, force: true });
  }
  if (!p.sock.startsWith(p.dir + path.sep)) await fs.promises.rm(p.sock, { recursive: true, force: true });
}

/** Finishes removals interrupted by a crash (best effort: what cannot be removed now is next time). */
export async function cleanTrash(instancesDir: string, log: Logger): Promise<void> {
  for (const name of fs.readdirSync(instancesDir)) {
    if (!name.startsWith('.trash-')) continue;
    await fs.promises.rm(path.join(instancesDir, name), { recursive: true, force: true }).catch((e) => log.warn({ err: e }, 'could not remove a destroyed instance'));
  }
}
