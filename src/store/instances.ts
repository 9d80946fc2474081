// Queries over instances and their orders.
import type { Kysely, Selectable, Insertable } from 'kysely';
import type { Database, InstancesTable, OrdersTable } from './schema.ts';

export type InstanceRow = Selectable<InstancesTable>;
export type OrderRow = Selectable<OrdersTable>;

/** Records orders and their instances; call inside the transaction that made the decision. */
export async function insertOrdersWithInstances(trx: Kysely<Database>, orders: Insertable<OrdersTable>[], instances: Insertable<InstancesTable>[]): Promise<void> {
  if (orders.length) await trx.insertInto('orders').values(orders).execute();
  if (instances.length) await trx.insertInto('instances').values(instances).execute();
}

/** An instance of this account that is not destroyed, or undefined. */
export async function getInstance(db: Kysely<Database>, uin: string, id: string): Promise<InstanceRow | undefined> {
  return db.selectFrom('instances').selectAll().where('uin', '=', uin).where('id', '=', id).where('desired_state', '!=', 'destroyed').executeTakeFirst();
}

export async function nextFlowId(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('orders').select((eb) => eb.fn.max('flow_id').as('m')).executeTakeFirst();
  return Number(row?.m ?? 0) + 1;
}

/**
 * The next count deal names of the day: yyyymmdd and a 6-digit number counting the day's orders up
 * from 100001 (the real ones look like 20180615110033). Counted in the store, inside the order's
 * transaction, so two orders never share one (random digits would: a birthday collision in a busy day
 * is a primary-key violation). Up to 899,999 orders a day.
 */
export async function nextDealNames(db: Kysely<Database>, now: Date, count: number): Promise<string[]> {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  const row = await db.selectFrom('orders').select((eb) => eb.fn.max('deal_name').as('m')).where('deal_name', 'like', `${day}%`).executeTakeFirst();
  const last = row?.m ? Number(String(row.m).slice(8)) : 100000;
  return Array.from({ length: count }, (_, i) => `${day}${last + 1 + i}`);
}

export async function ordersByDealNames(db: Kysely<Database>, uin: string, dealNames: string[]): Promise<OrderRow[]> {
  if (dealNames.length === 0) return [];
  return db.selectFrom('orders').selectAll().where('uin', '=', uin).where('deal_name', 'in', dealNames).execute();
}
