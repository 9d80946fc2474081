// Which OS user runs initdb and postgres. PostgreSQL refuses to run as root, so when the service is
// root every PostgreSQL process runs as an unprivileged system user (created if missing), and the
// files the engine makes for it are chowned to that user. Otherwise everything runs as ourselves.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';

export const DEFAULT_RUN_USER = 'pgcloud';

export interface RunAs {
  name: string;
  uid: number;
  gid: number;
  /** True when we are root and switch to `name` for PostgreSQL processes. */
  switching: boolean;
  /** uid/gid options for child_process.spawn (empty when not switching). */
  spawnIds(): { uid?: number; gid?: number };
  /** A minimal environment for PostgreSQL processes. */
  env(): NodeJS.ProcessEnv;
  /** Gives a path we made to the run user (no-op when not switching). */
  chown(p: string): void;
  /** Throws a clear error unless the run user can traverse every directory from / down to dir. */
  checkTraversable(dir: string): void;
}

function lookup(name: string): { uid: number; gid: number } | undefined {
  try {
    const line = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim();
    const f = line.split(':');
    return { uid: Number(f[2]), gid: Number(f[3]) };
  } catch {
    return undefined;
  }
}

function ensureSystemUser(name: string, log: Logger): { uid: number; gid: number } {
  let ids = lookup(name);
  if (ids) return ids;
  log.info({ user: name }, 'creating system user for PostgreSQL processes');
  const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { encoding: 'utf8' });
  ids = lookup(name); // another process may have created it concurrently (useradd exits 9)
  if (!ids) throw new Error(`could not create system user ${name} (useradd: ${r.error?.message ?? r.stderr?.trim() ?? `exit ${r.status}`})`);
  return ids;
}

const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' });

export function resolveRunAs(user: string | undefined, log: Logger): RunAs {
  if (process.getuid?.() !== 0) {
    const me = os.userInfo();
    if (user && user !== me.username) log.warn({ user, me: me.username }, 'not root: PostgreSQL runs as the current user, ignoring the user option');
    return {
      name: me.username,
      uid: me.uid,
      gid: me.gid,
      switching: false,
      spawnIds: () => ({}),
      env: baseEnv,
      chown: () => {},
      checkTraversable: () => {},
    };
  }
  const name = user ?? DEFAULT_RUN_USER;
  if (name === 'root') throw new Error('PostgreSQL cannot run as root: choose another user');
  const { uid, gid } = ensureSystemUser(name, log);
  if (uid === 0) throw new Error(`user ${name} has uid 0; PostgreSQL cannot run as root`);
  return {
    name,
    uid,
    gid,
    switching: true,
    spawnIds: () => ({ uid, gid }),
    env: baseEnv,
    chown: (p) => fs.chownSync(p, uid, gid),
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
