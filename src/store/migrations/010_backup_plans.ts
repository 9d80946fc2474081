// Backup plans (issue 13): what the backup scheduler follows. Every instance has its default plan
// (PlanType "default", weekly) from its creation; CreateBackupPlan adds monthly "custom" plans.
// Instances made before this migration get their default plan here.
import type { Kysely } from 'kysely';
import { defaultPlanRow } from '../backupPlans.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('backup_plans')
    .addColumn('plan_id', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
    .addColumn('uin', 'text', (c) => c.notNull())
    .addColumn('plan_name', 'text', (c) => c.notNull())
    .addColumn('plan_type', 'text', (c) => c.notNull()) // default | custom
    .addColumn('period_type', 'text', (c) => c.notNull()) // week | month
    .addColumn('periods', 'text', (c) => c.notNull()) // JSON string[]: weekday names or day numbers
    .addColumn('min_start', 'text', (c) => c.notNull()) // HH:MM:SS, Beijing time
    .addColumn('max_start', 'text', (c) => c.notNull())
    .addColumn('base_retention_days', 'integer', (c) => c.notNull())
    .addColumn('log_retention_days', 'integer', (c) => c.notNull())
    .addColumn('backup_method', 'text', (c) => c.notNull())
    // The Beijing date (YYYY-MM-DD) of the last day this plan's backup was started (scheduler state).
    .addColumn('last_run_day', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('backup_plans_instance').on('backup_plans').column('instance_id').execute();
  const instances = await db.selectFrom('instances').select(['id', 'uin', 'created_at']).where('desired_state', '!=', 'destroyed').execute();
  for (const i of instances) await db.insertInto('backup_plans').values(defaultPlanRow(i.id, i.uin, i.created_at)).execute();
}
