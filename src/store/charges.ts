// Money leaving an account for orders, in the caller's transaction: a prepaid order's charge (after
// its voucher) and a pay-as-you-go instance's frozen first hour. Nothing is written when the balance
// does not cover it (OperationDenied.InsufficientBalanceError).
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { ApiError } from '../core/errors.ts';
import { splitDeduction, INVALID_VOUCHER, type Voucher } from '../core/billing/vouchers.ts';
import { drawVoucher, ensureBalance, postEntries, type NewEntry } from './billing.ts';

export const INSUFFICIENT_BALANCE = 'OperationDenied.InsufficientBalanceError';

export interface OrderCharge {
  dealName: string;
  instanceId: string;
  amount: number; // payable after the activity discount
}

/**
 * Debits the orders from the balance (after the voucher's deduction), or throws
 * OperationDenied.InsufficientBalanceError having written nothing. Returns the voucher deduction per order.
 */
export async function chargeOrders(
  trx: Kysely<Database>,
  p: { uin: string; initialBalance: number; orders: OrderCharge[]; voucher?: Voucher; billId: string; now: Date; what: string },
): Promise<number[]> {
  const nowIso = p.now.toISOString();
  await ensureBalance(trx, p.uin, p.initialBalance, nowIso);
  const deductions = p.voucher ? splitDeduction(p.orders.map((o) => o.amount), p.voucher.balance) : p.orders.map(() => 0);
  const used = deductions.reduce((s, d) => s + d, 0);
  if (p.voucher && used > 0 && !(await drawVoucher(trx, p.voucher.id, used))) throw new ApiError(INVALID_VOUCHER, `Voucher ${p.voucher.id} is used up.`);
  const entries: NewEntry[] = [];
  p.orders.forEach((o, i) => {
    entries.push({ kind: 'charge', amount: -o.amount, instanceId: o.instanceId, dealName: o.dealName, billId: p.billId, description: `${p.what} ${o.instanceId}` });
    if (deductions[i]! > 0)
      entries.push({ kind: 'voucher', amount: deductions[i]!, instanceId: o.instanceId, dealName: o.dealName, billId: p.billId, voucherId: p.voucher!.id, description: `voucher ${p.voucher!.id} on ${o.dealName}` });
  });
  if (!(await postEntries(trx, p.uin, entries, nowIso, true)))
    throw new ApiError(INSUFFICIENT_BALANCE, `Insufficient account balance: the order costs ${p.orders.reduce((s, o) => s + o.amount, 0) - used} cents after vouchers.`);
  return deductions;
}

/** Freezes one hour of each pay-as-you-go instance, or throws InsufficientBalanceError having written nothing. */
export async function freezeHours(trx: Kysely<Database>, p: { uin: string; initialBalance: number; orders: OrderCharge[]; billId: string; now: Date }): Promise<void> {
  const nowIso = p.now.toISOString();
  await ensureBalance(trx, p.uin, p.initialBalance, nowIso);
  const entries: NewEntry[] = p.orders.map((o) => ({ kind: 'freeze', amount: -o.amount, frozen: o.amount, instanceId: o.instanceId, dealName: o.dealName, billId: p.billId, description: `first hour of ${o.instanceId} frozen` }));
  if (!(await postEntries(trx, p.uin, entries, nowIso, true)))
    throw new ApiError(INSUFFICIENT_BALANCE, `Insufficient account balance: one hour of ${p.orders.length} instance(s) (${p.orders.reduce((s, o) => s + o.amount, 0)} cents) must be frozen.`);
}
