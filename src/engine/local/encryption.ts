// Data files encrypted at rest: an instance with spec.encryption keeps its cluster on a gocryptfs
// (FUSE) mount. Under instances/<id>/:
//   cipher/   gocryptfs's cipher directory: what is on the disk (file contents and names encrypted)
//   plain/    the mount point, the cleartext view, only while mounted
//   data ->   plain/pgdata (a symlink, so every other part of the engine keeps using <id>/data)
// The passphrase (the instance's data key, given by the caller) reaches gocryptfs on its stdin, never
// a file or a command line. Run as root, root mounts it -allow_other with the kernel's permission
// checks (default_permissions): the instance's own user (which runs its PostgreSQL) can use its 0700
// data dir, other users (other instances' among them) cannot, and the cipher dir stays root's; run as
// ourselves, only we (and PostgreSQL, which runs as us) can.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { InstancePaths } from './layout.ts';
import type { RunAs } from './runas.ts';
import { ensureDir } from './files.ts';

export const cipherDir = (p: InstancePaths) => path.join(p.dir, 'cipher');
export const plainDir = (p: InstancePaths) => path.join(p.dir, 'plain');
const PGDATA = 'pgdata';

const which = (bin: string): string | undefined => {
  for (const d of (process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const f = path.join(d, bin);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return f;
    } catch {}
  }
  return undefined;
};

/** What is missing on this host for encrypted data dirs (empty: nothing). */
export function encryptionMissing(): string[] {
  const missing: string[] = [];
  if (!which('gocryptfs')) missing.push('gocryptfs');
  if (!which('fusermount3') && !which('fusermount')) missing.push('fuse3 (fusermount)');
  try {
    fs.accessSync('/dev/fuse', fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    missing.push('/dev/fuse');
  }
  return missing;
}

/** Mount points of this host (from /proc/self/mountinfo, octal escapes decoded). */
function mountPoints(): string[] {
  try {
    return fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((m): m is string => Boolean(m))
      .map((m) => m.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  } catch {
    return [];
  }
}

export function isMounted(dir: string): boolean {
  const target = path.resolve(dir);
  return mountPoints().includes(target);
}

/** Mount points at or below dir. */
export function mountsUnder(dir: string): string[] {
  const root = path.resolve(dir);
  return mountPoints().filter((m) => m === root || m.startsWith(root + path.sep));
}

function gocryptfs(args: string[], passphrase: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // No -passfile: with a stdin that is not a terminal gocryptfs reads the password from it (Node's
    // stdin "pipe" is a socketpair, which -passfile /dev/stdin cannot open).
    const child = spawn('gocryptfs', ['-q', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`gocryptfs ${args[0]} failed (exit ${code}): ${err.replace(/.*[Ss]yslog.*\n?/g, '').trim()}`))));
    child.stdin.end(passphrase);
  });
}

/**
 * Makes <id>/data the encrypted cluster's path: cipher dir initialised once, mounted (an existing mount
 * is adopted), the symlink in place. Idempotent. After it, <id>/data may still lack a cluster.
 */
export async function ensureEncryptedData(p: InstancePaths, passphrase: string, runAs: RunAs): Promise<void> {
  const cipher = cipherDir(p);
  const plain = plainDir(p);
  const link = fs.lstatSync(p.data, { throwIfNoEntry: false });
  if (link && !link.isSymbolicLink()) throw new Error(`${p.data} is a plain directory: this instance's data is not encrypted and cannot be switched to encryption in place`);
  ensureDir(p.dir, 0o700, runAs.chown);
  fs.mkdirSync(cipher, { recursive: true, mode: 0o700 });
  fs.mkdirSync(plain, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(path.join(cipher, 'gocryptfs.conf'))) {
    if (fs.readdirSync(cipher).length) throw new Error(`${cipher} is not empty but has no gocryptfs.conf`);
    // The passphrase is a random 256-bit data key, not a password: scrypt's cost buys nothing here.
    await gocryptfs(['-init', '-scryptn', '10', cipher], passphrase);
  }
  if (!isMounted(plain)) {
    const root = process.getuid?.() === 0;
    await gocryptfs([...(root ? ['-allow_other'] : []), cipher, plain], passphrase);
  }
  // The mount's root: the instance user's, as the instance dir is.
  runAs.chown(plain);
  fs.chmodSync(plain, 0o711);
  if (!link) fs.symlinkSync(path.join('plain', PGDATA), p.data);
}

/** Unmounts a FUSE mount point (idempotent): a lazy unmount when it is busy. */
export function unmount(mountPoint: string): void {
  if (!isMounted(mountPoint)) return;
  const bin = which('fusermount3') ? 'fusermount3' : 'fusermount';
  let r = spawnSync(bin, ['-u', mountPoint], { encoding: 'utf8' });
  if (r.status !== 0 && isMounted(mountPoint)) r = spawnSync(bin, ['-u', '-z', mountPoint], { encoding: 'utf8' });
  if (r.status !== 0 && isMounted(mountPoint)) throw new Error(`could not unmount ${mountPoint}: ${r.stderr?.trim() || r.error?.message || `exit ${r.status}`}`);
}

/** Unmounts the cleartext view (idempotent); the cipher dir stays. */
export function unmountEncryptedData(p: InstancePaths): void {
  unmount(plainDir(p));
}

/** Whether this instance keeps its data encrypted (its data path is the link into the mount). */
export function isEncrypted(p: InstancePaths): boolean {
  return fs.lstatSync(p.data, { throwIfNoEntry: false })?.isSymbolicLink() === true || fs.existsSync(path.join(cipherDir(p), 'gocryptfs.conf'));
}
