// Shared by the renewal actions (RenewInstance, DisIsolateDBInstances): a prepaid instance of the
// caller in the request's region, and the purchase of months of it.
import type { Kysely } from 'kysely';
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { newBillId } from '../../core/ids.ts';
import { CURRENCY, monthlyPrice } from '../../core/billing/pricing.ts';
import { addMonths } from '../../core/billing/period.ts';
import type { Database } from '../../store/schema.ts';
import { getInstance, nextDealNames, nextFlowId, type InstanceRow } from '../../store/instances.ts';
import { chargeOrders } from '../../store/charges.ts';
import type { Voucher } from '../../core/billing/vouchers.ts';

export async function instanceOf(ctx: ActionContext, id: string): Promise<InstanceRow> {
  const row = await getInstance(ctx.db, ctx.account.uin, id);
  if (!row || row.region !== ctx.region) throw new ApiError('ResourceNotFound.InstanceNotFoundError', `The instance ${id} does not exist.`);
  return row;
}

export function requirePrepaid(row: InstanceRow): void {
  if (row.charge_type !== 'PREPAID')
    throw new ApiError('OperationDenied.PostPaidPayModeError', `Instance ${row.id} is pay-as-you-go (POSTPAID_BY_HOUR); only prepaid instances can be renewed.`);
}

/**
 * Buys `period` months of a prepaid instance inside the caller's transaction: one "renew" order paid
 * from the balance (or a voucher), and ExpireTime moved to `from` + period. Throws (and so rolls the
 * caller's transaction back) when the balance cannot pay it.
 */
export async function chargeRenewal(
  trx: Kysely<Database>,
  ctx: ActionContext,
  p: { row: InstanceRow; period: number; from: Date; now: Date; voucher?: Voucher },
): Promise<string> {
  const amount = monthlyPrice(p.row.memory_mb, p.row.storage_gb) * p.period;
  const billId = newBillId(p.now);
  const [dealName] = await nextDealNames(trx, p.now, 1);
  await trx.updateTable('instances').set({ expire_time: addMonths(p.from, p.period).toISOString(), updated_at: p.now.toISOString() }).where('id', '=', p.row.id).execute();
  await trx.insertInto('orders').values({
    deal_name: dealName!, uin: ctx.account.uin, bill_id: billId, pay_mode: 1, count: 1, instance_ids: JSON.stringify([p.row.id]), amount, currency: CURRENCY,
    action: 'renew', flow_id: await nextFlowId(trx), created_at: p.now.toISOString(),
  }).execute();
  await chargeOrders(trx, { uin: ctx.account.uin, initialBalance: ctx.config.initialBalance, orders: [{ dealName: dealName!, instanceId: p.row.id, amount }], voucher: p.voucher, billId, now: p.now, what: `renewal of ${p.period} month(s) of` });
  return dealName!;
}

/** The price of `period` months of the instance, what chargeRenewal charges (for picking a voucher first). */
export const renewalPrice = (row: InstanceRow, period: number) => monthlyPrice(row.memory_mb, row.storage_gb) * period;
