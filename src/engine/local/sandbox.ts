// The sandbox a server runs in when pgcloud is root: a mount namespace of its own where /tmp and
// /var/tmp are the instance's private directory (<instance>/tmp), /dev/shm is a fresh tmpfs and /proc
// shows only the instance user's own processes; the server runs as the instance user with no
// capabilities (bounding set emptied) and no_new_privs (a setuid program gains nothing). Anything it
// starts (an archive command, a program a superuser runs with COPY ... FROM PROGRAM) sees the host's
// files only as the instance user may, and none of the other tenants' or pgcloud's temporary files.
// What the server itself needs below /tmp (a data directory there, as in the tests) is bound back at
// the same path, so paths, /proc/<pid>/cwd and postmaster.pid read the same from outside.
//
// Not root: no sandbox (unshare and mount need root; everything runs as pgcloud's own user anyway).
import fs from 'node:fs';
import path from 'node:path';

const UNSHARE = ['/usr/bin/unshare', '/bin/unshare'];
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'];
const first = (paths: string[]) => paths.find((p) => fs.existsSync(p));

/** Directories hidden behind the private one (the host's temporary directories). */
const PRIVATE_DIRS = ['/tmp', '/var/tmp'];

export interface SandboxSpec {
  /** The instance's private temporary directory (made, the instance user's, mode 0700). */
  tmpDir: string;
  /** Paths the server must still reach at the same place although they lie under a private directory. */
  visible: string[];
  uid: number;
  gid: number;
}

/** Whether servers can be sandboxed here: root, with util-linux's unshare and setpriv. */
export function sandboxAvailable(): boolean {
  return process.getuid?.() === 0 && first(UNSHARE) !== undefined && first(SETPRIV) !== undefined;
}

const sh = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The command that starts binary with args inside the sandbox (as root; it drops to uid/gid itself). */
export function sandboxed(binary: string, args: string[], s: SandboxSpec): { file: string; args: string[] } {
  const unshare = first(UNSHARE);
  const setpriv = first(SETPRIV);
  if (!unshare || !setpriv) throw new Error('the server sandbox needs unshare and setpriv (util-linux)');
  const lines = ['set -e'];
  for (const dir of PRIVATE_DIRS) {
    if (!fs.existsSync(dir)) continue;
    const real = fs.realpathSync(dir);
    for (const v of s.visible) {
      if (!fs.existsSync(v)) continue;
      const target = fs.realpathSync(v);
      if (!target.startsWith(real + path.sep)) continue;
      const inside = path.join(s.tmpDir, path.relative(real, target));
      // The mount point, made here (each level the instance user's, like the rest of its private directory).
      for (let d = s.tmpDir, rest = path.relative(s.tmpDir, inside).split(path.sep); rest.length; ) {
        d = path.join(d, rest.shift()!);
        if (!fs.existsSync(d)) fs.mkdirSync(d, { mode: 0o700 });
        fs.chownSync(d, s.uid, s.gid);
      }
      lines.push(`mount --rbind ${sh(target)} ${sh(inside)}`);
    }
    lines.push(`mount --rbind ${sh(s.tmpDir)} ${sh(real)}`);
  }
  lines.push(
    'mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm',
    // Older kernels lack per-mount hidepid: the rest of the sandbox still holds.
    'mount -t proc -o hidepid=invisible,nosuid,nodev,noexec proc /proc 2>/dev/null || mount -t proc -o hidepid=2,nosuid,nodev,noexec proc /proc 2>/dev/null || true',
    `exec ${setpriv} --reuid=${s.uid} --regid=${s.gid} --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"`,
  );
  // slave: an unmount on the host (another instance's encrypted data, unmounted when it stops) reaches
  // the copy of the mount table made here, so no server keeps another instance's mount alive.
  return { file: unshare, args: ['--mount', '--propagation', 'slave', '/bin/sh', '-c', lines.join('\n'), 'pgcloud-sandbox', binary, ...args] };
}

/** Whether the process runs in a mount namespace other than ours (a sandboxed server). */
export function inOwnNamespace(pid: number): boolean {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/mnt`) !== fs.readlinkSync('/proc/self/ns/mnt');
  } catch {
    return false;
  }
}
