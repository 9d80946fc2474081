// High availability: an instance with a standby is two servers of the engine, node 0 (engine id = the
// instance id) and node 1 (`<id>.1`), each listening on an address of its own from the pool at the
// instance's port; one is the primary, the other a streaming replica of it.
//
// The stable address. The instance's address (DBInstanceNetInfo Ip:Port) is one more listen address
// of whichever node is primary: on failover the promoted node is restarted with it (the dead primary
// no longer holds it, a live but unreachable one is fenced with SIGKILL first). We chose this over a
// TCP forwarder in pgcloud because clients then talk to PostgreSQL directly: no extra hop, no proxy
// whose death (or pgcloud's restart) cuts every session, and the client's own source address reaches
// pg_hba.conf, so security-group rules keep working unchanged. It costs one restart of the promoted
// node (a fraction of a second here); the API never reports a different address.
//
// SyncMode. Semi-sync: synchronous_standby_names names the standby (synchronous_commit stays on, so
// a commit returns once the standby has flushed it); when the standby stops acknowledging for longer
// than the fallback time the primary drops to asynchronous (commits stop waiting), and goes back to
// synchronous once the standby streams again caught up (pg_stat_replication state "streaming").
// Async: never waits. Failover only promotes a standby that cannot miss an acknowledged commit
// (Semi-sync, not fallen back) or, in Async, one within MaxStandbyLatency bytes and MaxStandbyLag
// seconds at its last check; otherwise the primary is restarted in place.
import net from 'node:net';
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import type { InstanceRow } from '../store/instances.ts';
import type { Engine, InstanceSpec } from '../engine/types.ts';
import type { Config } from '../core/config.ts';
import type { Clock } from '../core/time.ts';
import { parseCidr } from './address.ts';
import { failoverDuration } from '../core/metrics.ts';

export type SyncMode = 'Semi-sync' | 'Async';

export interface HaState {
  syncMode: SyncMode;
  /** Failover limits: bytes and seconds the standby may be behind. */
  maxStandbyLatency: number;
  maxStandbyLag: number;
  /** Semi-sync fallback limits (unset: pgcloud's fallback time). */
  maxSyncStandbyLatency?: number | null;
  maxSyncStandbyLag?: number | null;
  /** Which node is primary. */
  primary: 0 | 1;
  /** Each node's own address (assigned by the reconciler) and zone. */
  nodes: Array<{ host: string | null; zone: string }>;
  /** A planned switchover (SwitchDBInstancePrimary) is pending. */
  switchover?: boolean;
  /** SwitchDBInstancePrimary Force: switch even when the standby is behind. */
  force?: boolean;
}

export const HA_DEFAULTS = { maxStandbyLatency: 1073741824, maxStandbyLag: 10 };

export const haOf = (row: Pick<InstanceRow, 'ha'>): HaState | undefined => (row.ha ? (JSON.parse(row.ha) as HaState) : undefined);
export const nodeEngineId = (id: string, node: number): string => (node === 0 ? id : `${id}.${node}`);
/** The engine id of the instance's primary server (the instance id itself for a single-node instance). */
export const primaryEngineId = (row: Pick<InstanceRow, 'id' | 'ha'>): string => {
  const ha = haOf(row);
  return ha ? nodeEngineId(row.id, ha.primary) : row.id;
};
export const engineIds = (row: Pick<InstanceRow, 'id' | 'ha'>): string[] => (haOf(row) ? [row.id, nodeEngineId(row.id, 1)] : [row.id]);
/** Replication slot and application_name of the standby on node n. */
const standbyName = (node: number) => `pgcloud_node${node}`;

/** The DBNodeSet of an HA state: the primary first. */
export function nodeSetOf(ha: HaState): string {
  const p = ha.primary;
  const s = 1 - p;
  return JSON.stringify([
    { Role: 'Primary', Zone: ha.nodes[p]!.zone, DedicatedClusterId: '' },
    { Role: 'Standby', Zone: ha.nodes[s]!.zone, DedicatedClusterId: '' },
  ]);
}

function bindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A pool address where port is free (a node listens on the instance's port: PostgreSQL has one port). */
async function allocateNodeHost(pool: string, port: number, taken: Set<string>): Promise<string> {
  const { base, size } = parseCidr(pool);
  const ipOf = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  for (let tries = 0; tries < 64; tries++) {
    const host = ipOf(base + 1 + randomInt(0, Math.max(1, size - 2)));
    if (taken.has(host)) continue;
    if (await bindable(host, port)) return host;
  }
  throw new Error(`no free address left in ${pool} for port ${port}`);
}

interface Health {
  /** Last time the standby was seen acknowledging WAL (or caught up). */
  lastHealthyAt: number;
  lastFlush?: number;
  lastLagBytes: number;
  /** Semi-sync has fallen back to asynchronous. */
  degraded: boolean;
  probeFailures: number;
}

export interface HaDeps {
  db: Store;
  engine: Engine;
  config: Config;
  clock: Clock;
  log: Logger;
}

export type Verdict = 'ok' | 'failover' | 'primary-down' | 'standby-down';

export class HaController {
  private readonly health = new Map<string, Health>();
  /** Instances whose failover was decided and is to be carried out by the next reconcile. */
  /** Instances whose primary was found dead, with when (for the failover duration metric). */
  readonly failovers = new Map<string, number>();

  constructor(private readonly deps: HaDeps) {}

  private h(id: string): Health {
    let h = this.health.get(id);
    if (!h) {
      h = { lastHealthyAt: Date.now(), lastLagBytes: 0, degraded: false, probeFailures: 0 };
      this.health.set(id, h);
    }
    return h;
  }

  forget(id: string): void {
    this.health.delete(id);
    this.failovers.delete(id);
  }

  private fallbackMs(ha: HaState): number {
    return ha.maxSyncStandbyLag ? ha.maxSyncStandbyLag * 1000 : this.deps.config.semisyncFallbackMs;
  }

  /** The specs of the two nodes: the primary (with the instance address) and its standby. */
  specs(row: InstanceRow, ha: HaState, base: InstanceSpec, synchronous: boolean): { primary: InstanceSpec; standby: InstanceSpec } {
    const p = ha.primary;
    const s = 1 - p;
    return {
      primary: {
        ...base,
        id: nodeEngineId(row.id, p),
        host: ha.nodes[p]!.host!,
        alsoListen: [base.host, ...(base.alsoListen ?? [])],
        replication: { role: 'primary', slots: [standbyName(s)], synchronous: synchronous ? [standbyName(s)] : [] },
      },
      standby: {
        ...base,
        id: nodeEngineId(row.id, s),
        host: ha.nodes[s]!.host!,
        alsoListen: undefined,
        replication: { role: 'standby', upstream: nodeEngineId(row.id, p), slot: standbyName(s), name: standbyName(s) },
      },
    };
  }

  /** Gives the nodes their own addresses (once). */
  async ensureNodeHosts(row: InstanceRow, ha: HaState, port: number): Promise<HaState> {
    if (ha.nodes.every((n) => n.host)) return ha;
    const { db, config } = this.deps;
    const rows = await db.selectFrom('instances').select(['host', 'ha']).where('desired_state', '!=', 'destroyed').execute();
    const taken = new Set<string>();
    for (const r of rows) {
      if (r.host) taken.add(r.host);
      for (const n of r.ha ? (JSON.parse(r.ha) as HaState).nodes : []) if (n.host) taken.add(n.host);
    }
    for (const n of ha.nodes) {
      if (n.host) continue;
      n.host = await allocateNodeHost(config.addressPool, port, taken);
      taken.add(n.host);
    }
    await db.updateTable('instances').set({ ha: JSON.stringify(ha) }).where('id', '=', row.id).execute();
    row.ha = JSON.stringify(ha);
    return ha;
  }

  /**
   * Brings both nodes up: a failover or switchover first when one is due, then the primary (promoted
   * if it was the standby) and its standby (a template copy when new, see engine/local/standby.ts, else
   * made or rebuilt from a base backup), and waits until the standby streams. Semi-sync is synchronous
   * only once the standby is caught up.
   */
  async converge(row: InstanceRow, base: InstanceSpec, restart: boolean): Promise<void> {
    const { engine, log } = this.deps;
    let ha = await this.ensureNodeHosts(row, haOf(row)!, base.port);
    const h = this.h(row.id);
    const failoverSince = this.failovers.get(row.id);
    if (failoverSince !== undefined) {
      ha = await this.swap(row, ha, 'failover');
      this.failovers.delete(row.id);
    } else if (ha.switchover) {
      ha = await this.switchover(row, ha, base);
    }
    const semi = ha.syncMode === 'Semi-sync';
    const sid = nodeEngineId(row.id, 1 - ha.primary);
    const streaming = async () => (await engine.replicas(nodeEngineId(row.id, ha.primary))).find((r) => r.name === standbyName(1 - ha.primary));
    // Synchronous only with a standby that is there and caught up: otherwise commits (pgcloud's own
    // admin role among them) would wait for a standby that does not exist yet.
    const now = await streaming();
    const sync = semi && now?.state === 'streaming' && !h.degraded;
    let specs = this.specs(row, ha, base, sync);
    // A new standby's files are copied while the primary starts (used only if they fit it then).
    const staging = engine.stageStandby?.(specs.standby).catch((e) => log.warn({ instance: row.id, err: e }, 'could not prepare the standby ahead'));
    try {
      if (restart) await engine.restart(specs.primary);
      else await engine.ensureRunning(specs.primary);
    } finally {
      await staging;
    }
    // From the primary found dead to the promoted node serving at the instance's address.
    if (failoverSince !== undefined) failoverDuration.observe((Date.now() - failoverSince) / 1000);
    await engine.ensureRunning(specs.standby);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await streaming();
      if (r?.state === 'streaming') break;
      if (Date.now() > deadline) throw new Error(`the standby ${sid} does not stream from the primary (state ${r?.state ?? 'absent'})`);
      await new Promise((res) => setTimeout(res, 50));
    }
    h.lastHealthyAt = Date.now();
    h.degraded = false;
    h.probeFailures = 0;
    if (semi && !sync) {
      specs = this.specs(row, ha, base, true);
      await engine.ensureRunning(specs.primary);
      log.info({ instance: row.id }, 'semi-sync: commits wait for the standby');
    }
  }

  /**
   * Makes the standby the primary in the store (and the instance's DBNodeSet), after fencing the old
   * primary so it can take no more writes. The next ensureRunning promotes the new primary and
   * rebuilds the old one as its standby.
   */
  private async swap(row: InstanceRow, ha: HaState, why: 'failover' | 'switchover'): Promise<HaState> {
    const { db, engine, log } = this.deps;
    const old = nodeEngineId(row.id, ha.primary);
    if (why === 'failover') await engine.fence(old);
    const next: HaState = { ...ha, primary: (1 - ha.primary) as 0 | 1, switchover: false, force: false };
    await db.updateTable('instances').set({ ha: JSON.stringify(next), node_set: nodeSetOf(next), status: 'switching', updated_at: this.deps.clock.now().toISOString() }).where('id', '=', row.id).execute();
    row.ha = JSON.stringify(next);
    row.status = 'switching';
    // Until the rebuilt standby streams, commits must not wait for it.
    this.h(row.id).degraded = true;
    log.warn({ instance: row.id, from: old, to: nodeEngineId(row.id, next.primary), why }, why === 'failover' ? 'failing over to the standby' : 'switching over to the standby');
    return next;
  }

  /**
   * A planned switchover: the primary is stopped cleanly (its walsender sends everything, up to the
   * shutdown checkpoint, to the streaming standby before it exits), the standby is checked to have
   * received all of it, then promoted. Refused (left as is) when the standby is not streaming, unless forced.
   */
  private async switchover(row: InstanceRow, ha: HaState, base: InstanceSpec): Promise<HaState> {
    const { engine, db, log } = this.deps;
    const pid = nodeEngineId(row.id, ha.primary);
    const r = (await engine.replicas(pid)).find((x) => x.name === standbyName(1 - ha.primary));
    if (!ha.force && r?.state !== 'streaming') {
      log.warn({ instance: row.id, state: r?.state ?? 'absent' }, 'switchover refused: the standby is not streaming');
      const next = { ...ha, switchover: false, force: false };
      await db.updateTable('instances').set({ ha: JSON.stringify(next) }).where('id', '=', row.id).execute();
      row.ha = JSON.stringify(next);
      return next;
    }
    // A clean stop: clients are disconnected, and the shutdown waits for the walsender to send the final WAL.
    await engine.stop(pid);
    void base;
    return this.swap(row, ha, 'switchover');
  }

  /**
   * The per-tick health check of a settled HA instance: the primary alive and answering, the standby
   * acknowledging WAL; Semi-sync falls back and comes back here. Returns what the reconciler must do.
   */
  async check(row: InstanceRow, base: () => Promise<InstanceSpec>): Promise<Verdict> {
    const { engine, log } = this.deps;
    const ha = haOf(row)!;
    if (!ha.nodes.every((n) => n.host)) return 'standby-down';
    const h = this.h(row.id);
    const pid = nodeEngineId(row.id, ha.primary);
    const sid = nodeEngineId(row.id, 1 - ha.primary);
    const [p, s] = await Promise.all([engine.observe(pid).catch(() => ({ running: false })), engine.observe(sid).catch(() => ({ running: false }))]);
    let primaryOk = p.running;
    if (primaryOk) {
      if (await engine.probe(pid, 1500)) h.probeFailures = 0;
      else if (++h.probeFailures >= 3) primaryOk = false;
    }
    const now = Date.now();
    if (!primaryOk) {
      const semi = ha.syncMode === 'Semi-sync';
      const fresh = now - h.lastHealthyAt <= (semi ? this.fallbackMs(ha) : ha.maxStandbyLag * 1000);
      const eligible = s.running && fresh && (semi ? !h.degraded : h.lastLagBytes <= ha.maxStandbyLatency);
      if (eligible) {
        this.failovers.set(row.id, Date.now());
        return 'failover';
      }
      log.warn({ instance: row.id, standbyRunning: s.running, degraded: h.degraded, lagBytes: h.lastLagBytes }, 'primary is down and the standby may not have every commit: restarting the primary in place');
      return 'primary-down';
    }
    const r = (await engine.replicas(pid)).find((x) => x.name === standbyName(1 - ha.primary));
    const healthy = r !== undefined && r.flushLsn >= 0 && (r.flushLagBytes === 0 || (h.lastFlush !== undefined && r.flushLsn > h.lastFlush));
    h.lastFlush = r?.flushLsn;
    if (healthy) {
      h.lastHealthyAt = now;
      h.lastLagBytes = Math.max(0, r.flushLagBytes);
    }
    if (ha.syncMode === 'Semi-sync') {
      const tooFar = r !== undefined && ha.maxSyncStandbyLatency ? r.flushLagBytes > ha.maxSyncStandbyLatency : false;
      if (!h.degraded && (now - h.lastHealthyAt > this.fallbackMs(ha) || tooFar)) {
        h.degraded = true;
        await engine.ensureRunning(this.specs(row, ha, await base(), false).primary);
        log.warn({ instance: row.id, goneMs: now - h.lastHealthyAt }, 'semi-sync: the standby is gone; commits no longer wait for it');
      } else if (h.degraded && r?.state === 'streaming' && !tooFar) {
        h.degraded = false;
        await engine.ensureRunning(this.specs(row, ha, await base(), true).primary);
        log.warn({ instance: row.id }, 'semi-sync: the standby caught up; commits wait for it again');
      }
    }
    if (!s.running) return 'standby-down';
    return 'ok';
  }
}
