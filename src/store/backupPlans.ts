// Backup plans: rows the backup scheduler follows (src/reconciler/backups.ts). Every instance has one
// default plan (weekly, PlanType "default") from its creation; CreateBackupPlan adds custom monthly
// ones. Times of day are Beijing time (the API's time zone), "HH:MM:SS".
import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Insertable } from 'kysely';
import type { BackupPlansTable, Database } from './schema.ts';

export type BackupPlanRow = Selectable<BackupPlansTable>;

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
/** The real service: a full backup every day in the early morning, kept 7 days, WAL kept 7 days. */
export const DEFAULT_RETENTION_DAYS = 7;
export const DEFAULT_PLAN_NAME = 'default';

/**
 * A name-based (version 5 layout) UUID, as the real PlanIds are ("422a5f4d-52af-5cb1-9474-324d63ccc62c"):
 * sha1 of the name, version and variant bits set.
 */
export function uuidV5(name: string): string {
  const b = createHash('sha1').update(name).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const hms = (seconds: number): string => {
  const s = ((seconds % 86400) + 86400) % 86400;
  return [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
};

/**
 * The default plan of an instance: every day of the week, a start window of four hours in the early
 * morning (the real one reads e.g. 01:16:05-05:16:05). The window opens at 01:00:00 plus up to an hour
 * derived from the instance id, so that instances do not all start their backups at the same second.
 */
export function defaultPlanRow(instanceId: string, uin: string, now: string): Insertable<BackupPlansTable> {
  const spread = createHash('sha256').update(instanceId).digest().readUInt32BE(0) % 3600;
  const start = 3600 + spread;
  return {
    plan_id: uuidV5(`pgcloud:${instanceId}:default`),
    instance_id: instanceId,
    uin,
    plan_name: DEFAULT_PLAN_NAME,
    plan_type: 'default',
    period_type: 'week',
    periods: JSON.stringify(WEEKDAYS),
    min_start: hms(start),
    max_start: hms(start + 4 * 3600),
    base_retention_days: DEFAULT_RETENTION_DAYS,
    log_retention_days: DEFAULT_RETENTION_DAYS,
    backup_method: 'physical',
    last_run_day: null,
    created_at: now,
    updated_at: now,
  };
}

/** Gives each of these instances its default plan unless it has one (in the transaction that creates them, or later). */
export async function ensureDefaultPlans(db: Kysely<Database>, instances: Array<{ id: string; uin: string }>, now: string): Promise<void> {
  if (!instances.length) return;
  await db
    .insertInto('backup_plans')
    .values(instances.map((i) => defaultPlanRow(i.id, i.uin, now)))
    .onConflict((oc) => oc.column('plan_id').doNothing())
    .execute();
}

/** The instance's plans, the default first, then custom ones by creation. */
export async function listPlans(db: Kysely<Database>, instanceId: string): Promise<BackupPlanRow[]> {
  return db
    .selectFrom('backup_plans')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .orderBy('plan_type')
    .orderBy('created_at')
    .orderBy('plan_id')
    .execute();
}

export async function insertPlan(db: Kysely<Database>, row: Insertable<BackupPlansTable>): Promise<void> {
  await db.insertInto('backup_plans').values(row).execute();
}

export async function updatePlan(db: Kysely<Database>, planId: string, fields: Partial<Omit<BackupPlanRow, 'plan_id' | 'instance_id' | 'uin'>>): Promise<void> {
  await db.updateTable('backup_plans').set(fields).where('plan_id', '=', planId).execute();
}

export async function deletePlan(db: Kysely<Database>, planId: string): Promise<void> {
  await db.deleteFrom('backup_plans').where('plan_id', '=', planId).execute();
}
