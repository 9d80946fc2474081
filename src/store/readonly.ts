// Read-only instances as the store keeps them: an instance row with master_id (its master) and ro_node
// (its number among the master's servers, see migrations/011_readonly.ts). Queries for the actions and
// the reconciler.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { InstanceRow } from './instances.ts';

/** Read-only instances per master, at most this many (the real service's limit). */
export const MAX_READONLY_PER_MASTER = 6;

/** Replication slot and application_name of the server on node n of an instance (HA standby or read-only instance). */
export const nodeSlotName = (node: number): string => `pgcloud_node${node}`;

/** The master's read-only instances that are not destroyed. */
export async function readOnlyInstancesOf(db: Kysely<Database>, masterId: string): Promise<InstanceRow[]> {
  return db.selectFrom('instances').selectAll().where('master_id', '=', masterId).where('desired_state', '!=', 'destroyed').orderBy('ro_node').execute();
}

/** How many read-only instances (not destroyed) each of these masters has. */
export async function readOnlyCounts(db: Kysely<Database>, masterIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!masterIds.length) return out;
  const rows = await db
    .selectFrom('instances')
    .select(['master_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('master_id', 'in', masterIds)
    .where('desired_state', '!=', 'destroyed')
    .groupBy('master_id')
    .execute();
  for (const r of rows) out.set(r.master_id!, Number(r.n));
  return out;
}

/** The next count node numbers for new read-only instances of the master (never reused: a slot name stays one server's). */
export async function nextReadOnlyNodes(db: Kysely<Database>, masterId: string, count: number): Promise<number[]> {
  const row = await db.selectFrom('instances').select((eb) => eb.fn.max('ro_node').as('m')).where('master_id', '=', masterId).executeTakeFirst();
  const last = Math.max(1, Number(row?.m ?? 0));
  return Array.from({ length: count }, (_, i) => last + 1 + i);
}

/** The slots a master's primary keeps for its read-only instances. */
export async function readOnlySlotsOf(db: Kysely<Database>, masterId: string): Promise<string[]> {
  const rows = await readOnlyInstancesOf(db, masterId);
  return rows.filter((r) => r.ro_node).map((r) => nodeSlotName(r.ro_node!));
}

export type ReadonlyGroupRow = import('kysely').Selectable<import('./schema.ts').ReadonlyGroupsTable>;

/** A read-only group of this account, or undefined. */
export async function getReadonlyGroup(db: Kysely<Database>, uin: string, id: string): Promise<ReadonlyGroupRow | undefined> {
  return db.selectFrom('readonly_groups').selectAll().where('uin', '=', uin).where('id', '=', id).executeTakeFirst();
}

/** The group's member instances (not destroyed). */
export async function groupMembers(db: Kysely<Database>, groupId: string): Promise<InstanceRow[]> {
  return db.selectFrom('instances').selectAll().where('ro_group_id', '=', groupId).where('desired_state', '!=', 'destroyed').orderBy('created_at').execute();
}

/**
 * A member's weight in its group's spread: with Rebalance 1 (pgcloud assigns weights, the default) its
 * memory in GB, as the real service weighs members by their specification; with Rebalance 0 the weight
 * the user gave it.
 */
export const memberWeight = (group: Pick<ReadonlyGroupRow, 'rebalance'>, row: Pick<InstanceRow, 'memory_mb' | 'ro_weight'>): number =>
  group.rebalance === 1 ? Math.max(1, Math.round(row.memory_mb / 1024)) : row.ro_weight;
