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
import { provisioningDuration, reconcilerBacklog } from '../core/metrics.ts';

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
const SERVING = ['applying', 'initing', 'running', 'restarting'];

export class Reconciler {
  /** Stable per data directory: after a restart this node takes its own old leases back at once. */
  readonly nodeId: string;
  private readonly bootId = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private pass: Promise<void> | undefined;
  private again = false;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly queue: InstanceRow[] = [];

  constructor(private readonly deps: ReconcilerDeps) {
    this.nodeId = createHash('sha256').update(`${os.hostname()}:${deps.config.dataDir}`).digest('hex').slice(0, 16);
  }

  async start(): Promise<void> {
    this.running = true;
    // Leases held by this node before a crash or restart are ours again.
    await this.deps.db.updateTable('instances').set({ lease_owner: null, lease_until: null }).where('lease_owner', 'like', `${this.nodeId}:%`).execute();
    // Before the API answers anyone: an instance said to be running whose server is down is restarting.
    const running = await this.deps.db.selectFrom('instances').select('id').where('desired_state', '=', 'running').where('status', '=', 'running').execute();
    for (const { id } of running) await this.markRestartingIfDown(id);
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
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private get owner(): string {
    return `${this.nodeId}:${this.bootId}`;
  }

  private async runPass(): Promise<void> {
    const { db, clock } = this.deps;
    const now = clock.now().toISOString();
    const rows = await db
      .selectFrom('instances')
      .selectAll()
      .where('desired_state', '=', 'running')
      .where('status', 'in', SERVING)
      .orderBy('created_at')
      .execute();
    for (const row of rows) {
      if (this.inFlight.has(row.id) || this.queue.some((q) => q.id === row.id)) continue;
      if (row.next_attempt_at && row.next_attempt_at > now) continue;
      if (row.status === 'running') {
        // Cheap health check; a server that died is brought back, and says so meanwhile.
        const down = await this.markRestartingIfDown(row.id);
        if (!down && this.adopted.has(row.id)) continue;
        if (down) row.status = 'restarting';
      }
      this.queue.push(row);
    }
    this.drain();
  }

  /** Sets a running instance whose server is not up to "restarting"; true when it did. */
  private async markRestartingIfDown(id: string): Promise<boolean> {
    const seen = await this.deps.engine.observe(id).catch(() => ({ exists: false, running: false }));
    if (seen.running) return false;
    this.adopted.delete(id);
    await this.deps.db
      .updateTable('instances')
      .set({ status: 'restarting', updated_at: this.deps.clock.now().toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
    this.deps.log.warn({ instance: id }, 'instance server is down; restarting it');
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

  private async release(id: string, fields: Partial<Pick<InstanceRow, 'status' | 'attempts' | 'last_error' | 'next_attempt_at' | 'host' | 'port'>>): Promise<void> {
    await this.deps.db
      .updateTable('instances')
      .set({ ...fields, lease_owner: null, lease_until: null, ...(fields.status ? { updated_at: this.deps.clock.now().toISOString() } : {}) })
      .where('id', '=', id)
      .where('lease_owner', '=', this.owner)
      .execute();
  }

  private async reconcile(row: InstanceRow): Promise<void> {
    const { db, engine, config, log } = this.deps;
    if (!(await this.claim(row.id))) return;
    const started = Date.now();
    try {
      if (row.status === 'applying') {
        await db.updateTable('instances').set({ status: 'initing', updated_at: this.deps.clock.now().toISOString() }).where('id', '=', row.id).execute();
      }
      let { host, port } = row;
      if (!host || !port) {
        const used = await db.selectFrom('instances').select(['host', 'port']).where('host', 'is not', null).execute();
        ({ host, port } = await allocateAddress(config.addressPool, config.instancePort, new Set(used.map((u) => `${u.host}:${u.port}`))));
        await db.updateTable('instances').set({ host, port }).where('id', '=', row.id).execute();
      }
      await engine.ensureRunning(specOf(row, host, port));
      this.adopted.add(row.id);
      // Only a provisioning or restarting instance changes status; one that is running stays so.
      const status = row.status === 'running' ? undefined : 'running';
      await this.release(row.id, { ...(status ? { status } : {}), attempts: 0, last_error: null, next_attempt_at: null });
      if (status) log.info({ instance: row.id, ms: Date.now() - started }, 'instance running');
      if (status) this.observeProvisioned(row);
      else if (Date.now() - started > 50) log.info({ instance: row.id, ms: Date.now() - started }, 'instance server ensured');
    } catch (e: any) {
      const attempts = row.attempts + 1;
      const message = String(e?.message ?? e).slice(0, 2000);
      if (attempts >= MAX_ATTEMPTS && row.status !== 'running') {
        log.error({ instance: row.id, attempts, err: message }, 'instance could not be provisioned; giving up');
        await this.release(row.id, { status: 'offline', attempts, last_error: message, next_attempt_at: null });
      } else {
        const delay = Math.min(30_000, 1000 * 2 ** (attempts - 1));
        log.warn({ instance: row.id, attempts, err: message, retryInMs: delay }, 'instance reconcile failed; will retry');
        await this.release(row.id, { attempts, last_error: message, next_attempt_at: new Date(this.deps.clock.now().getTime() + delay).toISOString() });
      }
    }
  }
}

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
  };
}
