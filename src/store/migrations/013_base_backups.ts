// Issue 13 (backups): the base backup catalogue, and what a clone is restored from.
// base_backups: one row per backup set (CreateBaseBackup, the scheduler); state init → running →
// finished | failed, written by the backup runner (src/reconciler/backups.ts), which takes again a row
// found 'running' at its start (the server's backup died with the previous process).
// instances.restore_*: a clone's source instance, base backup and recovery target time (null: the
// backup's own end), read when its data directory is first made.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('base_backups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('uin', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull()) // physical
    .addColumn('mode', 'text', (c) => c.notNull()) // manual | automatic
    .addColumn('state', 'text', (c) => c.notNull()) // init | running | finished | failed | canceled
    .addColumn('size', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('file_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('start_time', 'text')
    .addColumn('finish_time', 'text')
    .addColumn('expire_time', 'text')
    .addColumn('start_lsn', 'text')
    .addColumn('stop_lsn', 'text')
    .addColumn('timeline', 'integer')
    .addColumn('start_wal', 'text')
    .addColumn('manifest_sha256', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('base_backups_instance').on('base_backups').columns(['instance_id', 'state']).execute();
  // The archived WAL files as the backup runner last listed them (LogBackupSet, DescribeAvailableRecoveryTime).
  await db.schema
    .createTable('log_backups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('uin', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull()) // the WAL file's name
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('finish_time', 'text', (c) => c.notNull()) // when it was archived
    .addColumn('expire_time', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('log_backups_instance').on('log_backups').columns(['instance_id', 'name']).unique().execute();
  await db.schema.alterTable('instances').addColumn('restore_source', 'text').execute();
  await db.schema.alterTable('instances').addColumn('restore_backup', 'text').execute();
  await db.schema.alterTable('instances').addColumn('restore_target', 'text').execute();
}
