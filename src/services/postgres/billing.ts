// How postgres actions pay: activities (operator discounts), vouchers, and the debit of an order's
// amount from the account's balance, always inside the caller's store transaction so that the
// charge, the orders and the instances are written together or not at all.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { ApiError } from '../../core/errors.ts';
import { bestVoucher, checkNamedVoucher, splitDeduction, INVALID_VOUCHER, type Voucher } from '../../core/billing/vouchers.ts';
import { discounted } from '../../core/billing/pricing.ts';
import { drawVoucher, ensureBalance, getActivity, getVoucher, listVouchers, postEntries, type NewEntry, type VoucherRow } from '../../store/billing.ts';

export const INSUFFICIENT_BALANCE = 'OperationDenied.InsufficientBalanceError';

const toVoucher = (r: VoucherRow): Voucher => ({ id: r.id, uin: r.uin, nominal: Number(r.nominal), balance: Number(r.balance), beginTime: r.begin_time, endTime: r.end_time });

/** The percent off of ActivityId (0 when none is given); an unknown or inactive activity is refused. */
export async function activityPercentOff(db: Kysely<Database>, activityId: number | undefined, now: Date): Promise<number> {
  if (activityId === undefined || activityId === 0) return 0;
  const a = await getActivity(db, activityId);
  const iso = now.toISOString();
  if (!a || a.begin_time > iso || a.end_time <= iso)
    throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Activity ${activityId} does not exist or is not running now.`);
  return Number(a.percent_off);
}

export const applyActivity = (amount: number, percentOff: number): number => discounted(amount, percentOff);

/** The voucher the order uses: the named one (checked), the best one with AutoVoucher 1, or none. */
export async function pickVoucher(db: Kysely<Database>, uin: string, req: { AutoVoucher?: number | boolean; VoucherIds?: string[] }, amount: number, now: Date): Promise<Voucher | undefined> {
  const ids = req.VoucherIds ?? [];
  if (ids.length > 1) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', 'Only one voucher can be specified in VoucherIds.');
  if (ids.length === 1) {
    const row = await getVoucher(db, ids[0]!);
    return checkNamedVoucher(ids[0]!, row && toVoucher(row), uin, now);
  }
  if (req.AutoVoucher === 1 || req.AutoVoucher === true) return bestVoucher((await listVouchers(db, uin)).map(toVoucher), amount, now);
  return undefined;
}

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
