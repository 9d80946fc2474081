// Cloud Monitor for TencentDB for PostgreSQL: the documented metrics of namespace QCE/POSTGRES
// (catalog/monitor-postgres.json) and how their samples are kept: tiers of finer samples for the recent
// hours and coarser ones beyond, each made of the one below it, so the store's size per instance is bounded.
import data from './catalog/monitor-postgres.json' with { type: 'json' };

export interface MetricEntry {
  name: string;
  unit: string;
  unitCname: string;
  periods: number[];
  /** How a longer period is made of shorter ones: the average, or the sum (counts within the period). */
  stat: 'avg' | 'sum';
  en: string;
  zh: string;
  cname: string;
  ename: string;
}

export const NAMESPACE = data.namespace;
export const DIMENSION = data.dimension;
export const METRICS = data.metrics as MetricEntry[];
const byName = new Map(METRICS.map((m) => [m.name, m]));
export const metricNamed = (name: string): MetricEntry | undefined => byName.get(name);
export const isNamespace = (ns: string): boolean => ns.toUpperCase() === NAMESPACE;

/** The sampling period: each instance's server is read once per SAMPLE_SECONDS. */
export const SAMPLE_SECONDS = 5;

/**
 * Stored tiers, finest first: resolution in seconds and how long its rows are kept. 60 s rows are made of
 * the 5 s ones, 300 s of the 60 s ones, 3600 s of the 300 s ones; a period of a day is made of hours
 * when asked. Retention follows the reference's query limits (60 s for the last 12 hours, 300 s for
 * 3 days, 3600 s for 31 days), with 5 s samples for the last hour.
 */
export const TIERS = [
  { seconds: 5, keepSeconds: 3600 },
  { seconds: 60, keepSeconds: 12 * 3600 },
  { seconds: 300, keepSeconds: 3 * 86400 },
  { seconds: 3600, keepSeconds: 31 * 86400 },
] as const;

/** A period of a day starts at midnight Beijing time, as the console's daily figures do. */
export const BEIJING_OFFSET_SECONDS = 8 * 3600;

/** One stored value: the period's figure (avg or sum, see MetricEntry.stat), its maximum and minimum. */
export type Aggregate = [value: number, max: number, min: number];

/** Combines finer aggregates into one of a longer period. */
export function combine(stat: 'avg' | 'sum', parts: Aggregate[]): Aggregate {
  let total = 0;
  let max = -Infinity;
  let min = Infinity;
  for (const [v, hi, lo] of parts) {
    total += v;
    if (hi > max) max = hi;
    if (lo < min) min = lo;
  }
  return [round(stat === 'sum' ? total : total / parts.length), round(max), round(min)];
}

/** Values are kept with 4 decimals: enough for percentages and rates, and the rows stay small. */
export const round = (n: number): number => Math.round(n * 10_000) / 10_000;
