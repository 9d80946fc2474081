// Time as the API shows it: "YYYY-MM-DD HH:MM:SS" in Beijing time (UTC+8, no zone suffix),
// "0000-00-00 00:00:00" for "never". The clock is injectable so tests can move it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The service clock: system time plus an offset an operator (or a test) sets with `pgcloud clock`.
 * The offset lives in the store; the billing loop reloads it every second and calls setOffset.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  setOffset(ms: number): void {
    this.offsetMs = ms;
  }
  get offset(): number {
    return this.offsetMs;
  }
}

export const ZERO_TIME = '0000-00-00 00:00:00';

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

export function formatApiTime(value: Date | string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return ZERO_TIME;
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return ZERO_TIME;
  return new Date(d.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
