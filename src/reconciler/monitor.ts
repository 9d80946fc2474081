// The monitoring sampler: every SAMPLE_SECONDS it reads each serving instance's server statistics
// through the engine, turns them into the documented QCE/POSTGRES metrics (rates from the difference
// with the previous reading) and writes one row per instance; then it rolls finer rows up into coarser
// tiers and prunes old ones (store/monitor.ts). Cost: one short query and a few /proc reads per instance
// per period; the directory walks behind Storage and DataFileSize once a minute per instance.
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import type { Engine, ServerStatistics } from '../engine/types.ts';
import type { Config } from '../core/config.ts';
import type { Clock } from '../core/time.ts';
import { SAMPLE_SECONDS } from '../core/monitor.ts';
import { insertSamples, rollUpAndPrune } from '../store/monitor.ts';
import { primaryEngineId } from '../store/ha.ts';

export interface SamplerDeps {
  db: Store;
  engine: Engine;
  config: Config;
  clock: Clock;
  log: Logger;
}

/** Statuses in which an instance's server is up and worth reading. */
const SAMPLED = ['running', 'readonly', 'restarting', 'parameter modifying', 'expanding', 'switching'];
/** How often the sizes that cost a directory walk are measured per instance. */
const SIZE_EVERY_MS = 60_000;
/** How many servers are read at once. */
const CONCURRENCY = 8;
const GiB = 1024 ** 3;

interface Sized {
  at: number;
  storageBytes: number;
  dataBytes?: number;
}

export class MonitorSampler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private tick: Promise<void> | undefined;
  private readonly previous = new Map<string, ServerStatistics>();
  private readonly sizes = new Map<string, Sized>();
  /** Wall time of the last round in ms (how much of a core sampling takes; README, Monitoring). */
  lastRoundMs = 0;

  constructor(private readonly deps: SamplerDeps) {}

  start(): void {
    this.running = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.tick;
  }

  private schedule(): void {
    if (!this.running) return;
    const period = SAMPLE_SECONDS * 1000;
    this.timer = setTimeout(() => {
      this.tick = this.round()
        .catch((e) => this.deps.log.warn({ err: e }, 'monitoring round failed'))
        .finally(() => {
          this.tick = undefined;
          this.schedule();
        });
    }, period - (Date.now() % period));
  }

  /** Reads every serving instance once and stores the samples under one bucket time. */
  async round(): Promise<void> {
    const { db, clock } = this.deps;
    const t0 = performance.now();
    const nowSeconds = Math.floor(clock.now().getTime() / 1000);
    const ts = Math.floor(nowSeconds / SAMPLE_SECONDS) * SAMPLE_SECONDS;
    const rows = await db.selectFrom('instances').selectAll().where('desired_state', '=', 'running').where('status', 'in', SAMPLED).execute();
    const samples: Array<{ instanceId: string; values: Record<string, number> }> = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < rows.length && this.running) {
        const row = rows[next++]!;
        const values = await this.sample(row).catch((e) => {
          this.deps.log.debug({ instance: row.id, err: e }, 'could not read statistics');
          return undefined;
        });
        if (values) samples.push({ instanceId: row.id, values });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rows.length) }, worker));
    const live = new Set(rows.map((r) => r.id));
    for (const id of this.previous.keys()) if (!live.has(id)) this.previous.delete(id);
    for (const id of this.sizes.keys()) if (!live.has(id)) this.sizes.delete(id);
    await insertSamples(db, ts, samples);
    await rollUpAndPrune(db, nowSeconds, 2 * SAMPLE_SECONDS);
    this.lastRoundMs = performance.now() - t0;
  }

  private async sample(row: { id: string; ha: string | null; cpu: number; memory_mb: number; storage_gb: number }): Promise<Record<string, number> | undefined> {
    const { engine, config } = this.deps;
    if (!engine.statistics) return undefined;
    const engineId = primaryEngineId(row);
    const sized = this.sizes.get(row.id);
    const measureSizes = !sized || Date.now() - sized.at >= SIZE_EVERY_MS;
    const cur = await engine.statistics(engineId, measureSizes);
    if (!cur) return undefined;
    if (measureSizes) this.sizes.set(row.id, { at: Date.now(), storageBytes: await engine.diskUsage(engineId), dataBytes: cur.dataBytes });
    const size = this.sizes.get(row.id)!;
    const prev = this.previous.get(row.id);
    this.previous.set(row.id, cur);

    const v: Record<string, number> = {
      Memory: cur.memoryBytes / 1048576,
      MemoryRate: (100 * cur.memoryBytes) / (row.memory_mb * 1048576),
      Storage: size.storageBytes / GiB,
      StorageRate: (100 * size.storageBytes) / (row.storage_gb * GiB * config.storageQuotaScale),
      LogFileSize: cur.walBytes / GiB,
      Connections: cur.sessions.total,
      ActiveConns: cur.sessions.active,
      IdleConns: cur.sessions.idle,
      IdleInXact: cur.sessions.idleInXact,
      Waiting: cur.sessions.waiting,
      LongXact: cur.sessions.longXact,
      LongIdleInXact: cur.sessions.longIdleInXact,
      LongQuery: cur.sessions.longQuery,
      NewConnIn5s: cur.sessions.newIn5s,
      '2pc': cur.prepared.total,
      Long2pc: cur.prepared.olderThan5s,
      RemainXid: cur.remainXid,
    };
    if (size.dataBytes !== undefined) v.DataFileSize = size.dataBytes / GiB;
    if (cur.replication) {
      v.XlogDiff = cur.replication.sentNotReplayedBytes;
      v.SlaveApplyDelay = cur.replication.replayDelaySeconds;
    }
    // Rates need a previous reading of the same postmaster with counters that did not go back (a stats reset).
    const d = prev && prev.startedAt === cur.startedAt ? deltas(prev, cur) : undefined;
    if (d) {
      const dt = (cur.at - prev!.at) / 1000;
      v.Cpu = (100 * d.cpuSeconds) / dt / Math.max(1, row.cpu);
      v.Tps = (d.xactCommit + d.xactRollback) / dt;
      v.XactCommit = d.xactCommit / dt;
      v.XactRollback = d.xactRollback / dt;
      v.TupInserted = d.tupInserted / dt;
      v.TupUpdated = d.tupUpdated / dt;
      v.TupDeleted = d.tupDeleted / dt;
      v.TupFetched = d.tupFetched / dt;
      v.TupReturned = d.tupReturned / dt;
      v.Deadlocks = d.deadlocks;
      // No block was asked for in the period: nothing missed the cache.
      v.HitPercent = d.blksHit + d.blksRead > 0 ? (100 * d.blksHit) / (d.blksHit + d.blksRead) : 100;
    }
    return v;
  }
}

function deltas(prev: ServerStatistics, cur: ServerStatistics): ServerStatistics['counters'] | undefined {
  const out = {} as ServerStatistics['counters'];
  for (const k of Object.keys(cur.counters) as Array<keyof ServerStatistics['counters']>) {
    const d = cur.counters[k] - prev.counters[k];
    if (d < 0) return undefined;
    out[k] = d;
  }
  return out;
}
