// What a service may remove at start, on a host where several pgcloud services run at once (test
// suites, other users): only what is provably its own or provably orphaned.
// - Its own instance directories (under its engine's instances/) whose instance the store no longer
//   knows, with their servers, mounts and users.
// - Users marked (home + comment, see runas.ts) with one of its own instance directories whose
//   instance the store no longer knows.
// - Users marked with another service's instance directory when that service's whole instances
//   directory is gone (its data directory was deleted): nobody can use them again.
// Unmarked users (made by a pgcloud before users were marked) are removed only when they are the
// user of one of its own orphaned directories (by name, and owning it); others are left alone.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Layout } from './layout.ts';
import type { InstanceUser, RunAsResolver } from './runas.ts';

export interface OrphanScan {
  /** This engine's instances directory. */
  instancesDir: string;
  /** Entries of it that are instances (engine ids: `<id>`, `<id>.1`). */
  dirs: string[];
  /** Owner uid of each of those directories. */
  ownerOf(dir: string): number | undefined;
  /** Engine ids the store still has (not recycled). */
  keep: Set<string>;
  users: InstanceUser[];
  /** The instance user name of an engine id. */
  userName(engineId: string): string;
  exists(p: string): boolean;
}

export interface OrphanPlan {
  /** Engine ids whose directories (and servers, mounts) go. */
  dirs: string[];
  /** Users that go, after the directories. */
  users: string[];
}

const baseId = (engineId: string) => engineId.replace(/\.\d+$/, '');

export function planOrphans(s: OrphanScan): OrphanPlan {
  const ours = path.resolve(s.instancesDir);
  const kept = new Set([...s.keep].map(baseId));
  const dirs = s.dirs.filter((d) => !s.keep.has(d));
  const users = new Set<string>();
  for (const u of s.users) {
    if (u.marked) {
      const home = path.resolve(u.home);
      if (path.dirname(home) === ours) {
        if (!kept.has(path.basename(home))) users.add(u.name);
      } else if (!s.exists(path.dirname(home))) {
        users.add(u.name);
      }
      continue;
    }
    // An unmarked user: ours only when it owns one of our orphaned directories under its own name.
    if (dirs.some((d) => s.userName(d) === u.name && s.ownerOf(d) === u.uid) && ![...kept].some((k) => s.userName(k) === u.name)) users.add(u.name);
  }
  return { dirs, users: [...users] };
}

export interface RemoveOrphansOptions {
  layout: Layout;
  users: RunAsResolver;
  keep: Set<string>;
  log: Logger;
  /** Removes one instance directory with its servers and mounts. */
  remove(engineId: string): Promise<void>;
}

/** Finds and removes (see planOrphans) what instances that no longer exist left on this host. */
export async function removeOrphans(o: RemoveOrphansOptions): Promise<OrphanPlan> {
  const { layout, users, log } = o;
  // Only directories that are an instance's (what the engine makes in one), never something else kept there.
  const INSTANCE_FILES = ['data', 'sock', 'server.log', 'cipher', 'plain', 'data.staged'];
  const isInstanceDir = (n: string) => {
    const names = fs.readdirSync(path.join(layout.instances, n));
    return names.length === 0 || names.some((f) => INSTANCE_FILES.includes(f) || f.startsWith('data.tmp-') || f.startsWith('data.backup-'));
  };
  const dirs = fs
    .readdirSync(layout.instances, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(e.name) && isInstanceDir(e.name))
    .map((e) => e.name);
  const plan = planOrphans({
    instancesDir: layout.instances,
    dirs,
    ownerOf: (d) => fs.statSync(path.join(layout.instances, d), { throwIfNoEntry: false })?.uid,
    keep: o.keep,
    users: users.shared.switching ? await users.listInstanceUsers() : [],
    userName: (id) => users.userName(id),
    exists: (p) => fs.existsSync(p),
  });
  for (const id of plan.dirs) {
    log.warn({ id }, 'removing the files and servers of an instance this service no longer has');
    await o.remove(id).catch((e) => log.warn({ id, err: e }, 'could not remove an orphaned instance'));
  }
  for (const name of plan.users) {
    log.warn({ user: name }, 'removing the system user of an instance that no longer exists');
    await users.removeUser(name).catch((e) => log.warn({ user: name, err: e }, 'could not remove an orphaned system user'));
  }
  return plan;
}
