// Issue 14 (read-only instances and groups). A read-only instance is an instance row of its own with
// master_id set: a streaming replica of its master's current primary. ro_node numbers it among its
// master's servers (engine id `<master>.<ro_node>`, slot pgcloud_node<ro_node>; 0 and 1 are the HA
// nodes); ro_upstream is the master server it was last made to stream from (a failover changes it).
// ro_group_id/ro_weight: its read-only group and weight there. readonly_groups: the groups, each with
// an address of its own (host, port) on which pgcloud's relay spreads connections over the members.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('instances').addColumn('master_id', 'text').execute();
  await db.schema.alterTable('instances').addColumn('ro_node', 'integer').execute();
  await db.schema.alterTable('instances').addColumn('ro_upstream', 'text').execute();
  await db.schema.alterTable('instances').addColumn('ro_group_id', 'text').execute();
  await db.schema.alterTable('instances').addColumn('ro_weight', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('instances_master').on('instances').column('master_id').execute();
  await db.schema
    .createTable('readonly_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('master_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('vpc_id', 'text', (c) => c.notNull())
    .addColumn('subnet_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('host', 'text')
    .addColumn('port', 'integer')
    .addColumn('replay_lag_eliminate', 'integer', (c) => c.notNull())
    .addColumn('replay_latency_eliminate', 'integer', (c) => c.notNull())
    .addColumn('max_replay_lag', 'integer', (c) => c.notNull())
    .addColumn('max_replay_latency', 'integer', (c) => c.notNull())
    .addColumn('min_delay_eliminate_reserve', 'integer', (c) => c.notNull())
    .addColumn('rebalance', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
