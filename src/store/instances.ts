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

export async function ordersByDealNames(db: Kysely<Database>, uin: string, dealNames: string[]): Promise<OrderRow[]> {
  if (dealNames.length === 0) return [];
  return db.selectFrom('orders').selectAll().where('uin', '=', uin).where('deal_name', 'in', dealNames).execute();
}
