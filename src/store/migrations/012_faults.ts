// Issue 12 (faults). sync_state: what a Semi-sync instance's commits do now, 'sync' (they wait for the
// standby) or 'async' (fallen back while the standby is gone or catching up), written by the HA
// controller, reported by DescribeDBInstanceHAConfig and read back after a restart; null: single-node.
// failed_at: when provisioning was given up (the instance went offlining/offline), so its refund and
// the release of its resources do not depend on the status it has later (isolated, recycled).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('instances').addColumn('sync_state', 'text').execute();
  await db.schema.alterTable('instances').addColumn('failed_at', 'text').execute();
}
