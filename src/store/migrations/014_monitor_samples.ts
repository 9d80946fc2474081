// Monitoring (issue 17): each instance's metric samples, one row per instance, tier and time bucket.
// period: the tier's resolution in seconds (5, 60, 300, 3600; see core/monitor.ts TIERS); ts: the bucket's
// start (Unix seconds); v: JSON {metric: value} (5 s) or {metric: [value, max, min]} (coarser tiers).
// No foreign key to instances: rows of a destroyed instance simply age out with the retention.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('monitor_samples')
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('period', 'integer', (c) => c.notNull())
    .addColumn('ts', 'integer', (c) => c.notNull())
    .addColumn('v', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_samples_pk', ['instance_id', 'period', 'ts'])
    .execute();
  await db.schema.createIndex('monitor_samples_period_ts').on('monitor_samples').columns(['period', 'ts']).execute();
}
