// How postgres actions pay: activities (operator discounts), vouchers, and the debit of an order's
// amount from the account's balance (store/charges.ts), always inside the caller's store transaction
// so that the charge, the orders and the instances are written together or not at all.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { ApiError } from '../../core/errors.ts';
import { bestVoucher, checkNamedVoucher, type Voucher } from '../../core/billing/vouchers.ts';
import { discounted } from '../../core/billing/pricing.ts';
import { getActivity, getVoucher, listVouchers, type VoucherRow } from '../../store/billing.ts';

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

// Charging orders and freezing hours are store transactions the reconciler's renewals use too.
export { chargeOrders, freezeHours, INSUFFICIENT_BALANCE, type OrderCharge } from '../../store/charges.ts';
