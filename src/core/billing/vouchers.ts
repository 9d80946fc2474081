// Voucher rules: which vouchers an order may use and how much each takes off. A voucher belongs to one
// account, is usable between its begin and end time, and deducts up to its remaining balance from a
// prepaid order (purchase or renewal); what is left stays on it for the next order.
import { ApiError } from '../errors.ts';
import { randomAlnum } from '../ids.ts';

export interface Voucher {
  id: string;
  uin: string;
  nominal: number;
  balance: number;
  beginTime: string; // ISO
  endTime: string; // ISO
}

export type VoucherStatus = 'unUsed' | 'used' | 'overdue' | 'pending';

export function voucherStatus(v: Voucher, now: Date): VoucherStatus {
  if (v.balance <= 0) return 'used';
  if (v.endTime <= now.toISOString()) return 'overdue';
  if (v.beginTime > now.toISOString()) return 'pending';
  return 'unUsed';
}

export const INVALID_VOUCHER = 'InvalidParameterValue.InvalidVoucherId';

/** The voucher named by VoucherIds, checked: refused with InvalidVoucherId when unknown, foreign, used up, expired or not yet valid. */
export function checkNamedVoucher(id: string, v: Voucher | undefined, uin: string, now: Date): Voucher {
  if (!v || v.uin !== uin) throw new ApiError(INVALID_VOUCHER, `Voucher ${id} does not exist or does not belong to this account.`);
  const status = voucherStatus(v, now);
  if (status === 'used') throw new ApiError(INVALID_VOUCHER, `Voucher ${id} is used up.`);
  if (status === 'overdue') throw new ApiError(INVALID_VOUCHER, `Voucher ${id} expired at ${v.endTime}.`);
  if (status === 'pending') throw new ApiError(INVALID_VOUCHER, `Voucher ${id} is not valid before ${v.beginTime}.`);
  return v;
}

/** AutoVoucher: the usable voucher that takes the most off this amount; among equals, the one expiring first. */
export function bestVoucher(vouchers: Voucher[], amount: number, now: Date): Voucher | undefined {
  const usable = vouchers.filter((v) => voucherStatus(v, now) === 'unUsed');
  usable.sort((a, b) => Math.min(b.balance, amount) - Math.min(a.balance, amount) || a.endTime.localeCompare(b.endTime) || a.id.localeCompare(b.id));
  return usable[0];
}

/** Splits a voucher's deduction over orders in turn (each order's own amount at most). */
export function splitDeduction(amounts: number[], available: number): number[] {
  let left = available;
  return amounts.map((a) => {
    const d = Math.min(a, left);
    left -= d;
    return d;
  });
}

export const newVoucherId = (): string => `voucher-${randomAlnum(10)}`;
