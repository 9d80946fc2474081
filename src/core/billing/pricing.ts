// List prices from src/core/catalog/prices.json, in cents.
import prices from '../catalog/prices.json' with { type: 'json' };

export interface PriceQuery {
  memoryMb: number;
  storageGb: number;
  chargeType: 'PREPAID' | 'POSTPAID_BY_HOUR';
  period: number; // months (prepaid)
  count: number;
}

export const CURRENCY = prices.currency;

export function monthlyPrice(memoryMb: number, storageGb: number): number {
  return Math.round((memoryMb / 1024) * prices.monthlyPerMemoryGb + storageGb * prices.monthlyPerStorageGb);
}

export function hourlyPrice(memoryMb: number, storageGb: number): number {
  return Math.ceil((monthlyPrice(memoryMb, storageGb) * prices.hourlyMarkup) / prices.hoursPerMonth);
}

/** What the order costs when placed: prepaid = months x count; postpaid = one hour x count (the frozen amount). */
export function orderPrice(q: PriceQuery): number {
  const unit = q.chargeType === 'PREPAID' ? monthlyPrice(q.memoryMb, q.storageGb) * q.period : hourlyPrice(q.memoryMb, q.storageGb);
  return unit * q.count;
}

/** An operator-defined activity's discount: percentOff of the list price, rounded to the cent (the customer's favour). */
export function discounted(amount: number, percentOff: number): number {
  return amount - Math.floor((amount * percentOff) / 100);
}
