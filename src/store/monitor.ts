// Monitoring series: samples written by the reconciler's sampler, rolled up into coarser tiers and
// pruned by age (core/monitor.ts TIERS), read by the monitor service. Roll-ups are made from the stored
// finer rows, so they resume after a crash; a bucket is rolled up once (insert or ignore).
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { BEIJING_OFFSET_SECONDS, METRICS, TIERS, combine, round, type Aggregate } from '../core/monitor.ts';

type Db = Kysely<Database>;

/** One 5 s sample per instance: metric name → value (metrics that could not be measured are absent). */
export async function insertSamples(db: Db, ts: number, samples: Array<{ instanceId: string; values: Record<string, number> }>): Promise<void> {
  if (!samples.length) return;
  const rows = samples.map((s) => ({ instance_id: s.instanceId, period: TIERS[0].seconds, ts, v: JSON.stringify(roundAll(s.values)) }));
  await db.insertInto('monitor_samples').values(rows).onConflict((oc) => oc.doNothing()).execute();
}

const roundAll = (values: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, round(v)]));

const asAggregate = (v: number | Aggregate): Aggregate => (typeof v === 'number' ? [v, v, v] : v);

/** Combines rows (each {metric: value or aggregate}) into one {metric: aggregate}. */
function combineRows(rows: string[]): Record<string, Aggregate> {
  const parts = new Map<string, Aggregate[]>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(JSON.parse(row) as Record<string, number | Aggregate>)) {
      const list = parts.get(k) ?? [];
      list.push(asAggregate(v));
      parts.set(k, list);
    }
  }
  const out: Record<string, Aggregate> = {};
  for (const m of METRICS) {
    const list = parts.get(m.name);
    if (list) out[m.name] = combine(m.stat, list);
  }
  return out;
}

/**
 * Makes every coarser tier's buckets that ended at least `graceSeconds` before now from the tier below,
 * then deletes rows older than their tier keeps. Work is bounded by the rows of the buckets just ended.
 */
export async function rollUpAndPrune(db: Db, nowSeconds: number, graceSeconds: number): Promise<void> {
  for (let i = 1; i < TIERS.length; i++) {
    const tier = TIERS[i]!;
    const finer = TIERS[i - 1]!;
    const closedBefore = Math.floor((nowSeconds - graceSeconds) / tier.seconds) * tier.seconds;
    const last = await db.selectFrom('monitor_samples').select((eb) => eb.fn.max('ts').as('ts')).where('period', '=', tier.seconds).executeTakeFirst();
    const from = last?.ts != null ? Number(last.ts) + tier.seconds : closedBefore - finer.keepSeconds;
    if (from >= closedBefore) continue;
    const rows = await db
      .selectFrom('monitor_samples')
      .select(['instance_id', 'ts', 'v'])
      .where('period', '=', finer.seconds)
      .where('ts', '>=', from)
      .where('ts', '<', closedBefore)
      .execute();
    const buckets = new Map<string, { instanceId: string; ts: number; rows: string[] }>();
    for (const r of rows) {
      const ts = Math.floor(Number(r.ts) / tier.seconds) * tier.seconds;
      const key = `${r.instance_id}/${ts}`;
      const b = buckets.get(key) ?? { instanceId: r.instance_id, ts, rows: [] };
      b.rows.push(r.v);
      buckets.set(key, b);
    }
    const out = [...buckets.values()].map((b) => ({ instance_id: b.instanceId, period: tier.seconds, ts: b.ts, v: JSON.stringify(combineRows(b.rows)) }));
    // Written in slices (SQLite's bound-parameter limit); an empty span still marks the tier as done up to it.
    for (let j = 0; j < out.length; j += 200) await db.insertInto('monitor_samples').values(out.slice(j, j + 200)).onConflict((oc) => oc.doNothing()).execute();
  }
  for (const tier of TIERS) await db.deleteFrom('monitor_samples').where('period', '=', tier.seconds).where('ts', '<', nowSeconds - tier.keepSeconds).execute();
}

/** Stored tier that answers a period: itself, or hours for a day. */
export const tierFor = (period: number): number => (period === 86400 ? 3600 : period);

/**
 * One metric's points for some instances, period and time range (bucket starts in [start, end]): per
 * instance, its timestamps and aggregates, oldest first. Buckets without a value for it are skipped.
 */
export async function readSeries(db: Db, instanceIds: string[], metric: string, stat: 'avg' | 'sum', period: number, start: number, end: number): Promise<Map<string, Array<[number, Aggregate]>>> {
  const tier = tierFor(period);
  const out = new Map<string, Array<[number, Aggregate]>>(instanceIds.map((id) => [id, []]));
  if (!instanceIds.length) return out;
  // A day starts at Beijing midnight: its hours are read from that midnight on.
  const dayStart = (t: number): number => Math.floor((t + BEIJING_OFFSET_SECONDS) / 86400) * 86400 - BEIJING_OFFSET_SECONDS;
  const from = period === 86400 ? dayStart(start) : Math.floor(start / period) * period;
  const rows = await db
    .selectFrom('monitor_samples')
    .select(['instance_id', 'ts', 'v'])
    .where('instance_id', 'in', instanceIds)
    .where('period', '=', tier)
    .where('ts', '>=', from)
    .where('ts', '<=', end)
    .orderBy('ts')
    .execute();
  const days = new Map<string, Aggregate[]>();
  for (const r of rows) {
    const v = (JSON.parse(r.v) as Record<string, number | Aggregate>)[metric];
    if (v === undefined) continue;
    const ts = Number(r.ts);
    if (period !== 86400) {
      if (ts >= start) out.get(r.instance_id)!.push([ts, asAggregate(v)]);
      continue;
    }
    const key = `${r.instance_id}/${dayStart(ts)}`;
    days.set(key, [...(days.get(key) ?? []), asAggregate(v)]);
  }
  for (const [key, parts] of days) {
    const [id, day] = key.split('/') as [string, string];
    if (Number(day) >= dayStart(start)) out.get(id)!.push([Number(day), combine(stat, parts)]);
  }
  return out;
}
