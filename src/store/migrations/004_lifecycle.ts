// Living with an instance: desired-state columns the reconciler converges on (parameters, read-only,
// pending restart, a generation counter), and the accounts, databases, tasks and parameter events
// of each instance. Portable column types only.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One ADD COLUMN per statement: SQLite allows no more.
  await db.schema.alterTable('instances').addColumn('parameters', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await db.schema.alterTable('instances').addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('instances').addColumn('restart_pending', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('instances').addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('instances').addColumn('applied_generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('instances').addColumn('disk_used_bytes', 'bigint').execute();

  await db.schema
    .createTable('instance_accounts')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('user_type', 'text', (c) => c.notNull())
    .addColumn('remark', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('verifier', 'text')
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('applied_revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('password_updated_at', 'text')
    .addPrimaryKeyConstraint('instance_accounts_pk', ['instance_id', 'name'])
    .execute();

  await db.schema
    .createTable('instance_databases')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('encoding', 'text', (c) => c.notNull())
    .addColumn('collate', 'text', (c) => c.notNull())
    .addColumn('ctype', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('applied_revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('instance_databases_pk', ['instance_id', 'name'])
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .execute();
  await db.schema.createIndex('tasks_instance').on('tasks').columns(['instance_id', 'status']).execute();

  await db.schema
    .createTable('param_events')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('old_value', 'text', (c) => c.notNull())
    .addColumn('new_value', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addColumn('effective_at', 'text')
    .execute();
  await db.schema.createIndex('param_events_instance').on('param_events').columns(['instance_id', 'name']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['param_events', 'tasks', 'instance_databases', 'instance_accounts']) await db.schema.dropTable(t).execute();
  for (const c of ['disk_used_bytes', 'applied_generation', 'generation', 'restart_pending', 'read_only', 'parameters'])
    await db.schema.alterTable('instances').dropColumn(c).execute();
}
