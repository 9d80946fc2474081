// The backup runner: takes the base backups the catalogue asks for (CreateBaseBackup, later the
// scheduler) and lists each instance's archived WAL into the catalogue. A loop like billing's, beside
// the reconciler. Resumable after SIGKILL: a backup found 'running' at start died with the previous
// process (the server's backup session ended with it) and is taken again from the start, at most
// MAX_ATTEMPTS times in all; then it is marked failed, saying so.
import type { Logger } from 'pino';
import { uuidV5 } from '../store/backupPlans.ts';
import type { Store } from '../store/db.ts';
import type { Engine } from '../engine/types.ts';
import type { Clock } from '../core/time.ts';
import { pendingBaseBackups, recordLogBackups, updateBaseBackup, type BaseBackupRow } from '../store/baseBackups.ts';
import { primaryEngineId } from '../store/ha.ts';

export interface BackupDeps {
  db: Store;
  engine: Engine;
  clock: Clock;
  log: Logger;
}

const TICK_MS = 1000;
const WAL_LIST_MS = 2000;
const MAX_ATTEMPTS = 3;
const DAY_MS = 86_400_000;
/** Statuses in which an instance can be backed up now; others wait (or fail, when it is gone). */
const BACKUP_READY = ['running', 'readonly'];
const GONE = ['isolating', 'isolated', 'offlining', 'offline', 'recycled'];

export class BackupRunner {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private pass: Promise<void> | undefined;
  private readonly inFlight = new Map<string, Promise<void>>();
  private walListedAt = 0;

  constructor(private readonly deps: BackupDeps) {}

  async start(): Promise<void> {
    this.running = true;
    this.wake();
  }

  wake(): void {
    if (!this.running || this.pass) return;
    clearTimeout(this.timer);
    this.pass = this.runPass()
      .catch((e) => this.deps.log.error({ err: e }, 'backup pass failed'))
      .finally(() => {
        this.pass = undefined;
        if (this.running) this.timer = setTimeout(() => this.wake(), TICK_MS);
      });
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.pass;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async runPass(): Promise<void> {
    const { db } = this.deps;
    for (const b of await pendingBaseBackups(db)) {
      // One backup of an instance at a time.
      if ([...this.inFlight.keys()].some((k) => k.startsWith(`${b.instance_id}/`))) continue;
      const key = `${b.instance_id}/${b.id}`;
      const job = this.take(b)
        .catch((e) => this.deps.log.error({ err: e, backup: b.id }, 'base backup failed'))
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, job);
    }
    // Deleted sets (DeleteBaseBackup): files removed, then the row.
    for (const d of await db.selectFrom('base_backups').select(['id', 'instance_id']).where('state', '=', 'deleting').execute()) {
      if (!this.deps.engine.removeBaseBackup) break;
      await this.deps.engine.removeBaseBackup(d.instance_id, d.id);
      await db.deleteFrom('base_backups').where('id', '=', d.id).where('state', '=', 'deleting').execute();
    }
    if (Date.now() - this.walListedAt >= WAL_LIST_MS) {
      this.walListedAt = Date.now();
      await this.listWal();
    }
  }

  private async take(b: BaseBackupRow): Promise<void> {
    const { db, engine, clock, log } = this.deps;
    const row = await db.selectFrom('instances').selectAll().where('id', '=', b.instance_id).executeTakeFirst();
    const now = () => clock.now().toISOString();
    if (!row || row.desired_state !== 'running' || GONE.includes(row.status)) {
      await updateBaseBackup(db, b.id, { state: 'failed', error: 'the instance is not in service', updated_at: now() });
      return;
    }
    if (!BACKUP_READY.includes(row.status) || !engine.takeBaseBackup) return; // waits for the instance
    if (b.attempts >= MAX_ATTEMPTS) {
      await updateBaseBackup(db, b.id, { state: 'failed', error: `interrupted ${b.attempts} times (service restarts or server failures); not tried again`, updated_at: now() });
      return;
    }
    if (b.state === 'running') log.warn({ backup: b.id, instance: row.id, attempts: b.attempts }, 'base backup was interrupted; taking it again');
    await updateBaseBackup(db, b.id, { state: 'running', attempts: b.attempts + 1, updated_at: now() });
    try {
      const r = await engine.takeBaseBackup(primaryEngineId(row), row.id, b.id);
      const plan = await db.selectFrom('backup_plans').select('base_retention_days').where('instance_id', '=', row.id).where('plan_type', '=', 'default').executeTakeFirst();
      const days = plan?.base_retention_days ?? 7;
      await updateBaseBackup(db, b.id, {
        state: 'finished', size: r.size, file_count: r.files, start_time: r.startedAt.toISOString(), finish_time: r.stoppedAt.toISOString(),
        expire_time: new Date(r.stoppedAt.getTime() + days * DAY_MS).toISOString(), start_lsn: r.startLsn, stop_lsn: r.stopLsn,
        timeline: r.timeline, start_wal: r.startWal, manifest_sha256: r.manifestSha256, error: null, updated_at: now(),
      });
      log.info({ backup: b.id, instance: row.id, size: r.size, files: r.files, startLsn: r.startLsn, stopLsn: r.stopLsn }, 'base backup finished');
      await this.listWal();
    } catch (e) {
      const message = String((e as Error)?.message ?? e).slice(0, 2000);
      // A server that went away meanwhile (failover, restart) is tried again on a later pass.
      const last = b.attempts + 1 >= MAX_ATTEMPTS;
      await updateBaseBackup(db, b.id, { state: last ? 'failed' : 'running', error: message, updated_at: now() });
      log.warn({ backup: b.id, instance: row.id, err: message, final: last }, 'base backup attempt failed');
    }
  }

  /** The archived WAL of every instance in service, into the catalogue (new files only). */
  private async listWal(): Promise<void> {
    const { db, engine, clock } = this.deps;
    if (!engine.archivedWal) return;
    const rows = await db.selectFrom('instances').select(['id', 'uin']).where('desired_state', '!=', 'destroyed').execute();
    for (const r of rows) {
      const files = await engine.archivedWal(r.id).catch(() => []);
      if (!files.length) continue;
      const known = new Set((await db.selectFrom('log_backups').select('name').where('instance_id', '=', r.id).execute()).map((x) => x.name));
      const fresh = files.filter((f) => !known.has(f.name));
      if (!fresh.length) continue;
      const plan = await db.selectFrom('backup_plans').select('log_retention_days').where('instance_id', '=', r.id).where('plan_type', '=', 'default').executeTakeFirst();
      const days = plan?.log_retention_days ?? 7;
      await recordLogBackups(
        db,
        fresh.map((f) => ({
          id: uuidV5(`pgcloud:${r.id}:wal:${f.name}`), instance_id: r.id, uin: r.uin, name: f.name, size: f.size,
          finish_time: f.modifiedAt.toISOString(), expire_time: new Date(f.modifiedAt.getTime() + days * DAY_MS).toISOString(), created_at: clock.now().toISOString(),
        })),
      );
    }
  }

}
