// Calendar arithmetic of billing periods and the durations operators type (`pgcloud clock advance 2h`).

/** Adds calendar months in UTC; 31 Jan + 1 month = 28/29 Feb, not 3 Mar. */
export function addMonths(d: Date, months: number): Date {
  const r = new Date(d.getTime());
  const day = r.getUTCDate();
  r.setUTCMonth(r.getUTCMonth() + months);
  if (r.getUTCDate() < day) r.setUTCDate(0);
  return r;
}

export const HOUR_MS = 3_600_000;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };

export interface Duration {
  months: number;
  ms: number;
}

/** "90s", "15m", "2h", "7d", "1w", "1mo", "1mo2d3h" (also a bare number of milliseconds); undefined when malformed. */
export function parseDuration(text: string): Duration | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { months: 0, ms: Number(t) };
  const re = /(\d+)(mo|ms|s|m|h|d|w)/gy;
  const out: Duration = { months: 0, ms: 0 };
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t))) {
    pos = re.lastIndex;
    if (m[2] === 'mo') out.months += Number(m[1]);
    else out.ms += Number(m[1]) * UNITS[m[2]!]!;
  }
  if (pos !== t.length || t.length === 0) return undefined;
  return out;
}

export function addDuration(d: Date, dur: Duration): Date {
  return new Date(addMonths(d, dur.months).getTime() + dur.ms);
}
