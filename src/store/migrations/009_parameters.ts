// Parameters (issues 11 and 15):
// - instance_settings: the settings each instance's server runs with, as last read from its pg_settings
//   by the reconciler (name → value in the setting's base unit, JSON), and when its postmaster started;
// - parameter_templates: an account's parameter templates in a region, their parameters as given
//   (JSON name → value); seq orders them by creation.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('instance_settings')
    .addColumn('instance_id', 'text', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('observed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('parameter_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull().unique())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('db_major_version', 'text', (c) => c.notNull())
    .addColumn('db_engine', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('parameter_templates_owner').on('parameter_templates').columns(['uin', 'region']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('parameter_templates').execute();
  await db.schema.dropTable('instance_settings').execute();
}
