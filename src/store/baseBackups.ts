// The backup catalogue: base backup sets (state written by src/reconciler/backups.ts) and the archived
// WAL files as last listed from the engine's backup store.
import type { Kysely, Selectable, Insertable } from 'kysely';
import type { BaseBackupsTable, Database, LogBackupsTable } from './schema.ts';

export type BaseBackupRow = Selectable<BaseBackupsTable>;
export type LogBackupRow = Selectable<LogBackupsTable>;

/** States of a backup that the runner still has to take. */
export const PENDING_STATES = ['init', 'running'] as const;

export async function insertBaseBackup(db: Kysely<Database>, row: Omit<Insertable<BaseBackupsTable>, 'seq'>): Promise<void> {
  const last = await db.selectFrom('base_backups').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  await db.insertInto('base_backups').values({ ...row, seq: Number(last?.seq ?? 0) + 1 }).execute();
}

export function findBaseBackup(db: Kysely<Database>, id: string): Promise<BaseBackupRow | undefined> {
  return db.selectFrom('base_backups').selectAll().where('id', '=', id).executeTakeFirst();
}

export function pendingBaseBackups(db: Kysely<Database>): Promise<BaseBackupRow[]> {
  return db.selectFrom('base_backups').selectAll().where('state', 'in', [...PENDING_STATES]).orderBy('seq').execute();
}

export async function updateBaseBackup(db: Kysely<Database>, id: string, fields: Partial<Omit<BaseBackupRow, 'id' | 'seq'>>): Promise<void> {
  await db.updateTable('base_backups').set(fields).where('id', '=', id).execute();
}

/** Finished backups of the instance, newest first. */
export function finishedBackups(db: Kysely<Database>, instanceId: string): Promise<BaseBackupRow[]> {
  return db.selectFrom('base_backups').selectAll().where('instance_id', '=', instanceId).where('state', '=', 'finished').orderBy('finish_time', 'desc').execute();
}

/** Records the archived WAL files not yet known (the archive only grows until retention removes files). */
export async function recordLogBackups(db: Kysely<Database>, rows: Insertable<LogBackupsTable>[]): Promise<void> {
  for (const r of rows) await db.insertInto('log_backups').values(r).onConflict((oc) => oc.column('id').doNothing()).execute();
}
