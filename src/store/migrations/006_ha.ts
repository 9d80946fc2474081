// High availability (issue 7): an instance with a standby keeps its topology and HA settings as JSON
// (which node is primary, each node's address and zone, SyncMode and the lag limits); null: one node.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('instances').addColumn('ha', 'text').execute();
}
