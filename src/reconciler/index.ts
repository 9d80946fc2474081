// The reconciler: an in-process loop that drives every instance from its stored desired state to
// the engine's observed state, and writes the status back. It is woken on every write and also
// ticks every second to notice servers that died. Each step is idempotent, so after a crash it simply
// runs again; a lease on the row keeps two reconcilers off one instance.
import os from 'node:os';
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import type { InstanceRow } from '../store/instances.ts';
import type { Engine, InstanceSpec } from '../engine/types.ts';
import type { Config } from '../core/config.ts';
import type { Clock } from '../core/time.ts';
import { allocateAddress } from './address.ts';
import { IPV6_LOOPBACK } from '../core/host.ts';
import { accessRulesFor } from '../store/vpc.ts';
import { tlsOf } from './ca.ts';
import { HaController, engineIds, haOf, primaryEngineId } from './ha.ts';
import { provisioningDuration, reconcileFailures, reconcilerBacklog } from '../core/metrics.ts';
import { boxFor, findKey, unwrapDataKey } from '../store/kms.ts';
import { parameterSettings, recordSettings } from './parameters.ts';
import { deleteSettings } from '../store/parameters.ts';
import { readOnlyEngineId } from '../store/ha.ts';
import { nodeSlotName, readOnlySlotsOf } from '../store/readonly.ts';
import { sizing } from '../core/sizing.ts';
import { ReadOnlyGroupsController } from './groups.ts';

export interface ReconcilerDeps {
  db: Store;
  engine: Engine;
  config: Config;
  clock: Clock;
  log: Logger;
}

const TICK_MS = 1000;
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 5;
/** Statuses in which the instance's servers should be up. */
const SERVING = ['applying', 'initing', 'running', 'restarting', 'readonly', 'disisolating', 'expanding', 'parameter modifying', 'switching'];
/** Statuses of an instance that is up and has nothing in progress. */
const SETTLED = ['running', 'readonly'];
/** How often an instance's size on disk is measured against its storage quota. */
const STORAGE_CHECK_MS = 1000;
/** How often an instance whose WAL did not move is walked all the same (writes without WAL: unlogged tables). */
const STORAGE_WALK_ALL_MS = 10 * 60_000;

export class Reconciler {
  /** Stable per data directory: after a restart this node takes its own old leases back at once. */
  readonly nodeId: string;
  private readonly bootId = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private pass: Promise<void> | undefined;
  /** The health and storage checks of settled instances in progress. */
  private checks: Promise<void> | undefined;
  private again = false;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly queue: InstanceRow[] = [];
  /** Standbys, SyncMode, failover and switchover of the instances that have a standby. */
  private readonly ha: HaController;
  /** The read-only groups' addresses and members. */
  private readonly groups: ReadOnlyGroupsController;

  /** Where the sweep of settled instances goes on (ids in order), and when its last slice began. */
  private sweepCursor = '';
  private sweptAt = 0;
  /** Instances whose server exited since their last check (told by the engine). */
  private readonly exited = new Set<string>();
  /**
   * Settled instances are swept in slices of config.healthChecksPerSecond by id (at most one slice a
   * second), so an idle host's cost per second does not grow with its instances; up to that many, each
   * is checked every second, and one whose server exited is checked at once. What the rounds cost:
   */
  readonly checkStats = { rounds: 0, maxChecksPerRound: 0 };

  constructor(private readonly deps: ReconcilerDeps) {
    this.ha = new HaController(deps);
    this.groups = new ReadOnlyGroupsController(deps);
    deps.engine.onServerExit?.((engineId) => {
      this.exited.add(engineId.replace(/\.\d+$/, ''));
      this.wake();
    });
    this.nodeId = createHash('sha256').update(`${os.hostname()}:${deps.config.dataDir}`).digest('hex').slice(0, 16);
  }

  async start(): Promise<void> {
    this.running = true;
    // Leases held by this node before a crash or restart are ours again.
    await this.deps.db.updateTable('instances').set({ lease_owner: null, lease_until: null }).where('lease_owner', 'like', `${this.nodeId}:%`).execute();
    // What instances this store no longer has left on the host (after a crash, a lost store): removed.
    const known = await this.deps.db.selectFrom('instances').select(['id', 'ha', 'master_id', 'ro_node']).where('status', '!=', 'recycled').execute();
    await this.deps.engine.removeOrphans?.(known.flatMap(engineIds)).catch((e) => this.deps.log.warn({ err: e }, 'could not remove what gone instances left'));
    // Before the API answers anyone: an instance said to be running whose server is down is restarting,
    // or, with a standby that has every acknowledged commit (the stored Semi-sync state), switching: a
    // pgcloud that died in the middle of a failover (or just before it) fails over at once on its next
    // start instead of waiting for a crash recovery of the dead primary.
    const running = await this.deps.db.selectFrom('instances').selectAll().where('desired_state', '=', 'running').where('status', '=', 'running').execute();
    for (const r of running) {
      if (!r.ha || (await this.deps.engine.observe(primaryEngineId(r)).catch(() => ({ running: false }))).running) {
        await this.markRestartingIfDown(r.id, primaryEngineId(r));
        continue;
      }
      const verdict = await this.ha.check(r, () => this.specFor(r, r.host!, r.port!)).catch(() => 'primary-down' as const);
      if (verdict === 'failover') {
        await this.deps.db.updateTable('instances').set({ status: 'switching', updated_at: this.deps.clock.now().toISOString() }).where('id', '=', r.id).where('status', '=', 'running').execute();
        this.deps.log.warn({ instance: r.id }, 'primary found down at start; failing over to the standby');
      } else await this.markRestartingIfDown(r.id, primaryEngineId(r));
    }
    this.wake();
  }

  /** Runs a pass now (or right after the current one). */
  wake(): void {
    if (!this.running) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.pass = this.runPass()
      .catch((e) => this.deps.log.error({ err: e }, 'reconcile pass failed'))
      .finally(() => {
        this.pass = undefined;
        if (!this.running) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.timer = setTimeout(() => this.wake(), TICK_MS);
      });
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.pass;
    await this.checks;
    await this.groups.pass();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private get owner(): string {
    return `${this.nodeId}:${this.bootId}`;
  }

  private async runPass(): Promise<void> {
    const { db, clock } = this.deps;
    const now = clock.now().toISOString();
    // Only instances with work to do (new, changed, failing): a settled one costs nothing here.
    const rows = await needingWork(db)
      .where((eb) => eb.not(eb.and([eb('desired_state', '=', 'running'), eb('status', 'in', SETTLED), eb('generation', '=', eb.ref('applied_generation'))])))
      .orderBy('created_at')
      .execute();
    for (const row of rows) {
      if (this.busy(row.id)) continue;
      if (row.next_attempt_at && row.next_attempt_at > now) continue;
      if (!isSettled(row)) this.queue.push(row);
    }
    this.drain();
    // Read-only groups follow their members' state (beside the passes, one round at a time).
    void this.groups.pass();
    // The health and storage checks of settled instances, which may take a while and must not hold up
    // a CreateInstances: one round at a time, beside the passes, at most one slice a second.
    if (!this.checks && (this.exited.size || Date.now() - this.sweptAt >= TICK_MS)) {
      this.checks = this.check()
        .catch((e) => this.deps.log.error({ err: e }, 'health checks failed'))
        .finally(() => (this.checks = undefined));
    }
  }

  /** The settled instances of this round: those whose server exited, then the next slice of the sweep. */
  private async settledToCheck(): Promise<InstanceRow[]> {
    const { db } = this.deps;
    const settled = () =>
      db
        .selectFrom('instances')
        .selectAll()
        .where('desired_state', '=', 'running')
        .where('status', 'in', SETTLED)
        .whereRef('generation', '=', 'applied_generation');
    const exited = [...this.exited];
    this.exited.clear();
    const rows = exited.length ? await settled().where('id', 'in', exited).execute() : [];
    if (Date.now() - this.sweptAt >= TICK_MS) {
      this.sweptAt = Date.now();
      const slice = await settled().where('id', '>', this.sweepCursor).orderBy('id').limit(this.deps.config.healthChecksPerSecond).execute();
      this.sweepCursor = slice.length < this.deps.config.healthChecksPerSecond ? '' : slice[slice.length - 1]!.id;
      for (const r of slice) if (!exited.includes(r.id)) rows.push(r);
    }
    return rows;
  }

  private async check(): Promise<void> {
    const settled = await this.settledToCheck();
    this.checkStats.rounds++;
    this.checkStats.maxChecksPerRound = Math.max(this.checkStats.maxChecksPerRound, settled.length);
    // Measuring sizes costs disk walks: with many instances each is measured less often, so that all
    // the walks of a round take at most a tenth of the time.
    const storageEvery = Math.max(STORAGE_CHECK_MS, 10 * this.storageCostTotal);
    for (const listed of settled) {
      if (!this.running) return;
      // Checked as it is now (a reconcile or an action may have changed it since the pass read it).
      const row = await this.deps.db.selectFrom('instances').selectAll().where('id', '=', listed.id).executeTakeFirst();
      if (!row || !isSettled(row) || this.busy(row.id)) continue;
      if (!(await this.needsRepair(row))) await this.watchStorage(row, storageEvery);
      else if (!this.busy(row.id)) {
        this.queue.push(row);
        this.drain();
      }
    }
  }

  /** Queued or being reconciled. */
  private busy(id: string): boolean {
    return this.inFlight.has(id) || this.queue.some((q) => q.id === id);
  }

  /** The health (and HA) check of a settled instance; true when it must be reconciled. */
  private async needsRepair(row: InstanceRow): Promise<boolean> {
    if (row.ha) {
      // A standby's instance: failover, Semi-sync fallback, a dead standby brought back.
      const verdict = await this.ha.check(row, () => this.specFor(row, row.host!, row.port!)).catch((e) => {
        this.deps.log.warn({ instance: row.id, err: e }, 'HA check failed');
        return 'ok' as const;
      });
      if (verdict === 'ok' && this.adopted.has(row.id)) return false;
      if (verdict === 'primary-down' && row.status === 'running') await this.markRestartingIfDown(row.id, primaryEngineId(row));
      return true;
    }
    // A read-only instance follows its master's primary: after a failover or switchover (master settled
    // again) it is made to stream from the new one.
    if (row.master_id) {
      const master = await this.deps.db.selectFrom('instances').selectAll().where('id', '=', row.master_id).executeTakeFirst();
      if (master && SETTLED.includes(master.status) && master.desired_state === 'running' && primaryEngineId(master) !== row.ro_upstream) return true;
    }
    // Cheap health check; a server that died is brought back, and says so meanwhile.
    const down = row.status === 'running' && (await this.markRestartingIfDown(row.id, primaryEngineId(row)));
    return down || !this.adopted.has(row.id);
  }

  private readonly storageCheckedAt = new Map<string, number>();
  /** The engine's write stamp (WAL files) at each instance's last walk. */
  private readonly storageStamp = new Map<string, string | undefined>();
  /** How long the last measurement of each instance took, and their sum (kept as they change). */
  private readonly storageCost = new Map<string, number>();
  private storageCostTotal = 0;
  private setStorageCost(id: string, ms: number | undefined): void {
    this.storageCostTotal += (ms ?? 0) - (this.storageCost.get(id) ?? 0);
    if (ms === undefined) this.storageCost.delete(id);
    else this.storageCost.set(id, ms);
  }

  /**
   * Measures a settled instance's size on disk against its quota (Storage GB × the operator's scale):
   * at the quota it becomes read-only, below it writable again. The reconciler applies the change.
   * Measured at most every everyMs.
   */
  private async watchStorage(row: InstanceRow, everyMs: number): Promise<void> {
    const { db, engine, config, log } = this.deps;
    const last = this.storageCheckedAt.get(row.id) ?? 0;
    if (Date.now() - last < everyMs) return;
    // An idle instance (its WAL as at the last walk) is not walked again, but for every STORAGE_WALK_ALL_MS.
    const stamp = await engine.writeStamp?.(primaryEngineId(row)).catch(() => undefined);
    if (stamp !== undefined && stamp === this.storageStamp.get(row.id) && Date.now() - last < STORAGE_WALK_ALL_MS) return;
    this.storageStamp.set(row.id, stamp);
    this.storageCheckedAt.set(row.id, Date.now());
    const t0 = performance.now();
    const used = await engine.diskUsage(primaryEngineId(row)).catch(() => undefined);
    this.setStorageCost(row.id, performance.now() - t0);
    if (used === undefined) return;
    const quota = row.storage_gb * 1024 ** 3 * config.storageQuotaScale;
    const over = used >= quota;
    if (over !== (row.read_only === 1)) {
      const res = await db
        .updateTable('instances')
        .set((eb) => ({ read_only: over ? 1 : 0, disk_used_bytes: used, generation: eb('generation', '+', 1) }))
        .where('id', '=', row.id)
        .where('read_only', '=', row.read_only)
        .where('generation', '=', row.generation)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) {
        log.warn({ instance: row.id, used, quota }, over ? 'instance reached its storage quota; making it read-only' : 'instance is below its storage quota again; making it writable');
        this.wake();
      }
    } else if (Math.abs((row.disk_used_bytes ?? 0) - used) >= 1048576) {
      await db.updateTable('instances').set({ disk_used_bytes: used }).where('id', '=', row.id).execute();
    }
  }

  /** Sets a running instance whose server is not up to "restarting"; true when it did. */
  private async markRestartingIfDown(id: string, engineId = id): Promise<boolean> {
    const seen = await this.deps.engine.observe(engineId).catch(() => ({ exists: false, running: false }));
    if (seen.running) return false;
    this.adopted.delete(id);
    await this.deps.db
      .updateTable('instances')
      .set({ status: 'restarting', updated_at: this.deps.clock.now().toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
    this.deps.log.warn({ instance: id, seen }, 'instance server is down; restarting it');
    return true;
  }

  /** Instances whose server this process has seen up since it started. */
  private readonly adopted = new Set<string>();

  private drain(): void {
    this.updateBacklog();
    while (this.running && this.inFlight.size < this.deps.config.provisionConcurrency && this.queue.length) {
      const row = this.queue.shift()!;
      const job = this.reconcile(row)
        .catch((e) => this.deps.log.error({ err: e, instance: row.id }, 'reconcile failed'))
        .finally(() => {
          this.inFlight.delete(row.id);
          this.drain();
        });
      this.inFlight.set(row.id, job);
    }
    this.updateBacklog();
  }

  /** Metrics: instances queued plus in flight. */
  private updateBacklog(): void {
    reconcilerBacklog.set(this.queue.length + this.inFlight.size);
  }

  /** Metrics: time from the instance's creation (applying) to its first settled status, on the service clock. */
  private observeProvisioned(row: InstanceRow): void {
    if (row.status !== 'applying' && row.status !== 'initing') return;
    const seconds = (this.deps.clock.now().getTime() - Date.parse(row.created_at)) / 1000;
    if (Number.isFinite(seconds) && seconds >= 0) provisioningDuration.observe(seconds);
  }

  private async claim(id: string): Promise<boolean> {
    const now = this.deps.clock.now();
    const res = await this.deps.db
      .updateTable('instances')
      .set({ lease_owner: this.owner, lease_until: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', this.owner), eb('lease_until', '<', now.toISOString())]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  private async release(id: string, fields: Partial<Pick<InstanceRow, 'status' | 'attempts' | 'last_error' | 'next_attempt_at' | 'host' | 'port' | 'failed_at'>>): Promise<void> {
    await this.deps.db
      .updateTable('instances')
      .set({ ...fields, lease_owner: null, lease_until: null, ...(fields.status ? { updated_at: this.deps.clock.now().toISOString() } : {}) })
      .where('id', '=', id)
      .where('lease_owner', '=', this.owner)
      .execute();
  }

  /** Marks the instance's tasks and parameter changes up to generation done. */
  private async finishUpTo(id: string, generation: number): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await this.deps.db
      .updateTable('tasks')
      .set({ status: 'Success', progress: 100, ended_at: now })
      .where('instance_id', '=', id)
      .where('status', '=', 'Running')
      .where('generation', '<=', generation)
      .execute();
    await this.deps.db
      .updateTable('param_events')
      .set({ state: 'success', effective_at: now })
      .where('instance_id', '=', id)
      .where('state', '=', 'in progress')
      .where('generation', '<=', generation)
      .execute();
  }

  /**
   * Writes the outcome of applying generation row.generation, unless the desired state changed
   * meanwhile (then the next pass applies the newer one). True when it was written.
   */
  private async settle(row: InstanceRow, fields: Partial<Pick<InstanceRow, 'status' | 'host' | 'port' | 'isolated_time' | 'restart_pending'>>): Promise<boolean> {
    const res = await this.deps.db
      .updateTable('instances')
      .set({ ...fields, applied_generation: row.generation, ...(fields.status && fields.status !== row.status ? { updated_at: this.deps.clock.now().toISOString() } : {}) })
      .where('id', '=', row.id)
      .where('generation', '=', row.generation)
      .where('lease_owner', '=', this.owner)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    await this.finishUpTo(row.id, row.generation);
    return true;
  }

  private async dropMasterSlot(masterId: string, slot: string): Promise<void> {
    const master = await this.deps.db.selectFrom('instances').selectAll().where('id', '=', masterId).executeTakeFirst();
    if (!master || master.desired_state === 'destroyed') return;
    await this.deps.engine.dropSlots?.(primaryEngineId(master), [slot]).catch((e) => this.deps.log.warn({ master: masterId, slot, err: e }, 'could not drop a read-only instance slot'));
  }

  /** Brings the instance's accounts and databases to their stored desired state. */
  private async applyAccountsAndDatabases(row: InstanceRow): Promise<void> {
    const { db, engine } = this.deps;
    const eid = primaryEngineId(row);
    const accounts = await db.selectFrom('instance_accounts').selectAll().where('instance_id', '=', row.id).whereRef('revision', '>', 'applied_revision').execute();
    for (const a of accounts) {
      const now = this.deps.clock.now().toISOString();
      if (a.status === -1) {
        await engine.dropRole(eid, a.name, row.admin_name);
        await db.deleteFrom('instance_accounts').where('instance_id', '=', row.id).where('name', '=', a.name).where('revision', '=', a.revision).execute();
      } else {
        await engine.ensureRole(eid, { name: a.name, verifier: a.verifier ?? undefined, login: a.locked === 0, privileged: a.user_type === 'tencentDBSuper' });
        await db
          .updateTable('instance_accounts')
          .set({ status: 2, applied_revision: a.revision, updated_at: now })
          .where('instance_id', '=', row.id)
          .where('name', '=', a.name)
          .where('revision', '=', a.revision)
          .execute();
      }
    }
    const databases = await db.selectFrom('instance_databases').selectAll().where('instance_id', '=', row.id).whereRef('revision', '>', 'applied_revision').execute();
    for (const d of databases) {
      if (d.status === 'deleting') {
        await engine.dropDatabase(eid, d.name);
        await db.deleteFrom('instance_databases').where('instance_id', '=', row.id).where('name', '=', d.name).where('revision', '=', d.revision).execute();
      } else {
        await engine.ensureDatabase(eid, { name: d.name, owner: d.owner, encoding: d.encoding, collate: d.collate, ctype: d.ctype });
        await db
          .updateTable('instance_databases')
          .set({ status: 'normal', applied_revision: d.revision, updated_at: this.deps.clock.now().toISOString() })
          .where('instance_id', '=', row.id)
          .where('name', '=', d.name)
          .where('revision', '=', d.revision)
          .execute();
      }
    }
  }

  /** The instance's server spec at its address, with the security groups' rules as its pg_hba.conf. */
  private async specFor(row: InstanceRow, host: string, port: number): Promise<InstanceSpec> {
    const spec: InstanceSpec = {
      ...specOf(row, host, port),
      accessRules: await accessRulesFor(this.deps.db, row.id, port),
      ...(await this.encryptionOf(row)),
      ...(await tlsOf(this.deps.db, boxFor(this.deps.config.dataDir), row, host, this.deps.clock.now())),
    };
    if (row.master_id) return this.readOnlySpec(row, spec);
    // A master keeps a replication slot for each of its read-only instances (HA: beside its standby's).
    const slots = await readOnlySlotsOf(this.deps.db, row.id);
    if (slots.length) spec.replication = { role: 'primary', slots, synchronous: [] };
    return spec;
  }

  /**
   * A read-only instance's server: node ro_node of its master (the master's OS user), a standby streaming
   * from the master's current primary over its socket, from a slot of its own. Settings a standby must
   * have at least as high as its primary (max_connections and the like) are raised to the master's.
   */
  private async readOnlySpec(row: InstanceRow, spec: InstanceSpec): Promise<InstanceSpec> {
    const master = await this.deps.db.selectFrom('instances').selectAll().where('id', '=', row.master_id!).executeTakeFirst();
    if (!master || master.desired_state !== 'running' || !master.port) throw new Error(`read-only instance ${row.id}: its master ${row.master_id} is not running`);
    const slot = nodeSlotName(row.ro_node!);
    const startSettings = { ...(spec.startSettings ?? {}) };
    const mine = { max_connections: String(sizing(row.memory_mb, row.cpu).maxConnections), ...startSettings };
    const theirs = { max_connections: String(sizing(master.memory_mb, master.cpu).maxConnections), ...(parameterSettings(master).startSettings ?? {}) };
    for (const k of ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction']) {
      const m = Number((theirs as Record<string, string>)[k]);
      if (Number.isFinite(m) && !(Number((mine as Record<string, string>)[k]) >= m)) startSettings[k] = String(m);
    }
    return {
      ...spec,
      id: readOnlyEngineId(row)!,
      startSettings,
      readOnly: false, // a standby takes no writes anyway
      replication: { role: 'standby', upstream: primaryEngineId(master), upstreamPort: master.port, slot, name: slot },
    };
  }

  /**
   * Brings a read-only instance up and streaming from its master's primary. After the master switched
   * primaries it is pointed at the new one (a reload from PostgreSQL 13, a restart before); one that
   * cannot follow (it replayed WAL the new primary never had) is made again from a base backup.
   */
  private async convergeReadOnly(row: InstanceRow, spec: InstanceSpec): Promise<void> {
    const { engine, db, log } = this.deps;
    const repl = spec.replication as Extract<InstanceSpec['replication'], { role: 'standby' }>;
    const moved = row.ro_upstream !== null && row.ro_upstream !== repl.upstream;
    if (row.restart_pending === 1 || (moved && Number(row.db_major_version) < 13)) await engine.restart(spec);
    else await engine.ensureRunning(spec);
    if (!(await this.streams(repl.upstream, repl.slot, moved ? 20_000 : 60_000))) {
      if (!moved) throw new Error(`read-only instance ${row.id} does not stream from ${repl.upstream}`);
      log.warn({ instance: row.id, upstream: repl.upstream }, 'read-only instance cannot follow the new primary; making it again from a base backup');
      await engine.destroy(spec.id);
      await engine.ensureRunning(spec);
      if (!(await this.streams(repl.upstream, repl.slot, 60_000))) throw new Error(`read-only instance ${row.id} does not stream from ${repl.upstream}`);
    }
    await db.updateTable('instances').set({ ro_upstream: repl.upstream }).where('id', '=', row.id).execute();
    if (moved) log.info({ instance: row.id, upstream: repl.upstream }, 'read-only instance follows the new primary');
  }

  /** Whether the standby with this name streams from the server upstream within ms. */
  private async streams(upstream: string, name: string, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = (await this.deps.engine.replicas(upstream)).find((x) => x.name === name);
      if (r && (r.state === 'streaming' || r.state === 'catchup')) return true;
      if (Date.now() > deadline) return false;
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  /** TDE: the instance's data key, unwrapped by its KMS key, is the engine's passphrase (in memory only). */
  private async encryptionOf(row: InstanceRow): Promise<Pick<InstanceSpec, 'encryption'>> {
    if (row.tde !== 1) return {};
    if (!row.kms_key_id || !row.kms_region || !row.dek_blob) throw new Error(`instance ${row.id} has TDE but no wrapped data key`);
    const key = await findKey(this.deps.db, row.uin, row.kms_region, row.kms_key_id);
    if (!key) throw new Error(`instance ${row.id}: its KMS key ${row.kms_key_id} (${row.kms_region}) is gone`);
    return { encryption: { passphrase: unwrapDataKey(boxFor(this.deps.config.dataDir), key, row.dek_blob, row.id) } };
  }

  /**
   * Before a clone to a moment is made: the source's WAL up to now is archived, with a commit record
   * after the moment (recovery to a time stops at the first commit after it; 13+ refuse to end without one).
   * A source no longer serving has archived all it will: its recovery window ends there.
   */
  private async sealSource(row: InstanceRow): Promise<void> {
    const source = await this.deps.db.selectFrom('instances').selectAll().where('id', '=', row.restore_source!).executeTakeFirst();
    if (!source || source.desired_state !== 'running' || !this.deps.engine.sealArchive) return;
    if (!(await this.deps.engine.observe(primaryEngineId(source))).running) return;
    await this.deps.engine.sealArchive(primaryEngineId(source), source.id);
  }

  private async reconcile(queued: InstanceRow): Promise<void> {
    const { db, engine, config, log } = this.deps;
    if (!(await this.claim(queued.id))) return;
    const started = Date.now();
    // The queued row was read before the pass awaited other work, so a reconcile that finished meanwhile
    // may have changed it (an address given, a status settled): work from the row as it is now, under the lease.
    const fresh = await needingWork(db).where('id', '=', queued.id).executeTakeFirst();
    if (!fresh || (fresh.next_attempt_at && fresh.next_attempt_at > this.deps.clock.now().toISOString())) {
      await this.release(queued.id, {});
      return;
    }
    const row = fresh;
    try {
      if (row.desired_state === 'destroyed') {
        // The data directory goes, then the address is free for another instance.
        for (const eid of engineIds(row)) await engine.destroy(eid);
        // A read-only instance's slot on its master's primary goes too (else the master keeps WAL for it).
        if (row.master_id && row.ro_node) await this.dropMasterSlot(row.master_id, nodeSlotName(row.ro_node));
        await deleteSettings(db, row.id);
        this.adopted.delete(row.id);
        this.ha.forget(row.id);
        this.storageCheckedAt.delete(row.id);
        this.storageStamp.delete(row.id);
        this.setStorageCost(row.id, undefined);
        await this.settle(row, { status: 'recycled', host: null, port: null });
        await this.release(row.id, { attempts: 0, last_error: null, next_attempt_at: null });
        log.info({ instance: row.id }, 'instance destroyed');
        return;
      }
      if (row.desired_state === 'stopped') {
        for (const eid of engineIds(row)) await engine.stop(eid);
        this.adopted.delete(row.id);
        this.ha.forget(row.id);
        await this.settle(row, { status: 'isolated', isolated_time: this.deps.clock.now().toISOString() });
        await this.release(row.id, { attempts: 0, last_error: null, next_attempt_at: null });
        log.info({ instance: row.id }, 'instance isolated');
        return;
      }
      if (row.status === 'offlining') {
        // Provisioning was given up: whatever it made goes (servers, files, its user, its address), as
        // on the real service an instance that failed to be delivered holds nothing; the row stays
        // "offline", refunded, until the user destroys it (DestroyDBInstance, or isolate first).
        for (const eid of engineIds(row)) await engine.destroy(eid);
        this.adopted.delete(row.id);
        this.ha.forget(row.id);
        await this.release(row.id, { status: 'offline', host: null, port: null });
        log.info({ instance: row.id }, 'instance that could not be provisioned released its resources');
        return;
      }
      if (row.status === 'applying') {
        await db.updateTable('instances').set({ status: 'initing', updated_at: this.deps.clock.now().toISOString() }).where('id', '=', row.id).execute();
      }
      let { host, port } = row;
      if (!host || !port) {
        const used = await db.selectFrom('instances').select(['host', 'port', 'ipv6']).where('host', 'is not', null).execute();
        const groups = await db.selectFrom('readonly_groups').select(['host', 'port']).where('host', 'is not', null).execute();
        const taken = new Set([...used.flatMap((u) => [`${u.host}:${u.port}`, ...(u.ipv6 === 1 ? [`${IPV6_LOOPBACK}:${u.port}`] : [])]), ...groups.map((g) => `${g.host}:${g.port}`)]);
        ({ host, port } = await allocateAddress(config.addressPool, config.instancePort, taken, row.ipv6 === 1 ? IPV6_LOOPBACK : undefined));
        await db.updateTable('instances').set({ host, port }).where('id', '=', row.id).execute();
      }
      // The bound security groups' ingress policies for this port become the server's pg_hba.conf.
      const spec = await this.specFor(row, host, port);
      if (row.restore_target && ['applying', 'initing'].includes(row.status)) await this.sealSource(row);
      if (haOf(row)) await this.ha.converge(row, spec, row.restart_pending === 1);
      else if (row.master_id) await this.convergeReadOnly(row, spec);
      else if (row.restart_pending === 1) await engine.restart(spec);
      else await engine.ensureRunning(spec);
      this.adopted.add(row.id);
      // A read-only instance has its master's roles and databases (replicated), none of its own.
      if (!row.master_id) await this.applyAccountsAndDatabases(row);
      // The server's settings as it now runs: before a parameter change is marked done (a client reads
      // them right after), else once the instance is up (not in the way of a new instance's start).
      const parameterChange = row.status === 'parameter modifying';
      if (parameterChange) await recordSettings(this.deps, row);
      // The settled status: read-only at the storage quota, else running.
      const target = row.read_only === 1 ? 'readonly' : 'running';
      const status = row.status === target ? undefined : target;
      const settled = await this.settle(row, { ...(status ? { status } : {}), restart_pending: 0 });
      // Counted as soon as clients can see the status (a scrape right after `running` finds it).
      if (settled && status) this.observeProvisioned(row);
      if (!parameterChange) await recordSettings(this.deps, row).catch((e) => log.warn({ instance: row.id, err: e }, 'could not read the server settings'));
      await this.release(row.id, { attempts: 0, last_error: null, next_attempt_at: null });
      if (settled && status) log.info({ instance: row.id, ms: Date.now() - started, status }, 'instance settled');
      else if (Date.now() - started > 50) log.info({ instance: row.id, ms: Date.now() - started }, 'instance server ensured');
    } catch (e: any) {
      reconcileFailures.inc();
      const attempts = row.attempts + 1;
      const message = String(e?.message ?? e).slice(0, 2000);
      // Only an instance that never ran is given up: one that ran and fails to restart keeps its data
      // and is tried again (at most every 30 s).
      if (attempts >= MAX_ATTEMPTS && ['applying', 'initing'].includes(row.status) && row.desired_state === 'running') {
        log.error({ instance: row.id, attempts, err: message }, 'instance could not be provisioned; giving up');
        await this.release(row.id, { status: 'offlining', attempts, last_error: message, next_attempt_at: null, failed_at: this.deps.clock.now().toISOString() });
        this.wake();
      } else {
        const delay = Math.min(30_000, 1000 * 2 ** (attempts - 1));
        log.warn({ instance: row.id, attempts, err: message, retryInMs: delay }, 'instance reconcile failed; will retry');
        await this.release(row.id, { attempts, last_error: message, next_attempt_at: new Date(this.deps.clock.now().getTime() + delay).toISOString() });
      }
    }
  }
}

/** The instances the reconciler has anything to do for: to bring up, isolate or destroy. */
function needingWork(db: Store) {
  return db
    .selectFrom('instances')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('desired_state', '=', 'running'), eb('status', 'in', [...SERVING, 'offlining'])]),
        eb.and([eb('desired_state', '=', 'stopped'), eb('status', '=', 'isolating')]),
        eb.and([eb('desired_state', '=', 'destroyed'), eb('status', '!=', 'recycled')]),
      ]),
    );
}

/** Up, with nothing in progress: only health and storage checks to do. */
const isSettled = (row: InstanceRow): boolean => row.desired_state === 'running' && SETTLED.includes(row.status) && row.generation === row.applied_generation;

export function specOf(row: InstanceRow, host: string, port: number): InstanceSpec {
  return {
    id: row.id,
    major: row.db_major_version,
    encoding: row.charset === 'LATIN1' ? 'LATIN1' : 'UTF8',
    cpu: row.cpu,
    memoryMb: row.memory_mb,
    storageGb: row.storage_gb,
    host,
    port,
    adminName: row.admin_name,
    adminVerifier: row.admin_verifier,
    // NeedSupportIpv6: also on the IPv6 loopback address, at the same port.
    ...(row.ipv6 === 1 ? { alsoListen: [IPV6_LOOPBACK] } : {}),
    ...parameterSettings(row),
    readOnly: row.read_only === 1,
    // Every instance archives its WAL into its own backup store (TDE ones not: see steps/archive.ts).
    archive: { store: row.id },
    // A clone: its data directory is made from the source's backup (only when first made).
    ...(row.restore_source && row.restore_backup
      ? { restore: { store: row.restore_source, backup: row.restore_backup, ...(row.restore_target ? { targetTime: row.restore_target } : {}) } }
      : {}),
  };
}
