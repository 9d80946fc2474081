// Issue 15 (day-2 operations), maintenance window: when (Beijing time) maintenance may run on the
// instance, as DescribeMaintainTimeWindow/ModifyMaintainTimeWindow have it. Instances made before get
// the default window (03:00 for 1 hour, every day).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('instances').addColumn('maintain_start', 'text', (c) => c.notNull().defaultTo('03:00')).execute();
  await db.schema.alterTable('instances').addColumn('maintain_duration', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema
    .alterTable('instances')
    .addColumn('maintain_weekdays', 'text', (c) => c.notNull().defaultTo('["monday","tuesday","wednesday","thursday","friday","saturday","sunday"]'))
    .execute();
}
