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
// a commit returns once the standby has flushed it). When the standby stops acknowledging (dead,
// frozen, unreachable) commits keep waiting until the fallback time (MaxSyncStandbyLag, else
// PGCLOUD_SEMISYNC_FALLBACK_MS) has passed since it last did, or it falls MaxSyncStandbyLatency bytes
// behind; then the primary drops to asynchronous (a timer of its own, so neither a reconcile stuck
// on the standby nor a commit stuck on it can hold the fallback up), and goes back to synchronous
// once the standby streams again and has flushed everything acknowledged meanwhile. The state
// ('sync' or 'async', column sync_state) is kept in the store: DescribeDBInstanceHAConfig reports it
// and a restarted pgcloud goes on from it. A new instance, and one whose standby is being rebuilt
// after a failover, is asynchronous until its standby has caught up. Async: never waits. Failover only promotes a standby that cannot miss an acknowledged commit
// (Semi-sync, not fallen back) or, in Async, one within MaxStandbyLatency bytes and MaxStandbyLag
// seconds at its last check; otherwise the primary is restarted in place.
import net from 'node:net';
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import type { InstanceRow } from '../store/instances.ts';
import type { Engine, InstanceSpec, ReplicaState } from '../engine/types.ts';
import type { Config } from '../core/config.ts';
import type { Clock } from '../core/time.ts';
import { parseCidr } from './address.ts';
import { failoverDuration } from '../core/metrics.ts';

// The HA state as stored (instances.ha) and its pure helpers live in store/ha.ts (actions read them too).
import { engineIds, haOf, nodeEngineId, nodeSetOf, primaryEngineId, type HaState, type SyncMode } from '../store/ha.ts';
export { HA_DEFAULTS, engineIds, haOf, nodeEngineId, nodeSetOf, primaryEngineId, type HaState, type SyncMode } from '../store/ha.ts';

/** Replication slot and application_name of the standby on node n. */
const standbyName = (node: number) => `pgcloud_node${node}`;

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

import type { SyncState } from '../store/ha.ts';
export type { SyncState } from '../store/ha.ts';

interface Health {
  /** Last time the standby was seen acknowledging WAL (or caught up). */
  lastHealthyAt: number;
  lastFlush?: number;
  lastLagBytes: number;
  /** Semi-sync: commits wait for the standby ('sync') or not ('async'); undefined until known. */
  state?: SyncState;
  probeFailures: number;
  /** Falls back to asynchronous at lastHealthyAt + the fallback time, unless the standby acknowledges first. */
  fallbackTimer?: NodeJS.Timeout;
  /** A return to synchronous in progress. */
  restoring?: Promise<void>;
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

  private h(row: Pick<InstanceRow, 'id' | 'sync_state'>): Health {
    let h = this.health.get(row.id);
    if (!h) {
      const stored = row.sync_state === 'sync' || row.sync_state === 'async' ? row.sync_state : undefined;
      h = { lastHealthyAt: Date.now(), lastLagBytes: 0, state: stored, probeFailures: 0 };
      this.health.set(row.id, h);
    }
    return h;
  }

  forget(id: string): void {
    const h = this.health.get(id);
    if (h) this.disarm(h);
    this.health.delete(id);
    this.failovers.delete(id);
  }

  /** Records the Semi-sync state (memory first: a failover decision reads it) and stores it. */
  private async setState(id: string, h: Health, state: SyncState): Promise<void> {
    h.state = state;
    if (state !== 'sync') this.disarm(h);
    await this.deps.db.updateTable('instances').set({ sync_state: state }).where('id', '=', id).execute();
  }

  /** Whether the standby acknowledged since the last look (caught up, or its flush position moved). */
  private observeStandby(h: Health, r: ReplicaState | undefined): boolean {
    const healthy = r !== undefined && r.flushLsn >= 0 && (r.flushLagBytes === 0 || (h.lastFlush !== undefined && r.flushLsn > h.lastFlush));
    h.lastFlush = r?.flushLsn;
    if (healthy) {
      h.lastHealthyAt = Date.now();
      h.lastLagBytes = Math.max(0, r.flushLagBytes);
    }
    return healthy;
  }

  /**
   * While commits wait for the standby: a timer that falls back to asynchronous once the fallback time
   * has passed since the standby last acknowledged (re-armed while it keeps acknowledging).
   */
  private armFallback(id: string, h: Health, ha: HaState): void {
    if (h.state !== 'sync' || h.fallbackTimer) return;
    const delay = Math.max(0, h.lastHealthyAt + this.fallbackMs(ha) - Date.now());
    h.fallbackTimer = setTimeout(() => {
      h.fallbackTimer = undefined;
      void this.fallbackDue(id, h).catch((e) => this.deps.log.warn({ instance: id, err: e }, 'semi-sync: could not fall back'));
    }, delay);
    h.fallbackTimer.unref();
  }

  private disarm(h: Health): void {
    if (h.fallbackTimer) clearTimeout(h.fallbackTimer);
    h.fallbackTimer = undefined;
  }

  private async fallbackDue(id: string, h: Health): Promise<void> {
    if (this.health.get(id) !== h || h.state !== 'sync') return;
    const row = await this.deps.db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst();
    const ha = row && haOf(row);
    if (!row || !ha || ha.syncMode !== 'Semi-sync') return;
    const pid = nodeEngineId(id, ha.primary);
    const r = (await this.deps.engine.replicas(pid).catch(() => [])).find((x) => x.name === standbyName(1 - ha.primary));
    if (this.observeStandby(h, r)) return; // acknowledging again: the checks arm it anew if it stops
    if (Date.now() - h.lastHealthyAt < this.fallbackMs(ha)) return this.armFallback(id, h, ha);
    await this.fallBack(id, h, pid, Date.now() - h.lastHealthyAt);
  }

  /** Commits stop waiting for the standby: recorded first (no failover to a standby that may miss commits from here on), then applied. */
  private async fallBack(id: string, h: Health, primary: string, goneMs: number): Promise<void> {
    if (h.state !== 'sync') return;
    await this.setState(id, h, 'async');
    await this.deps.engine.setSynchronous?.(primary, []);
    this.deps.log.warn({ instance: id, goneMs }, 'semi-sync: the standby stopped acknowledging; commits no longer wait for it');
  }

  /**
   * Back to synchronous: commits wait for the standby from the moment it is the primary's synchronous
   * standby, and the state says so once the standby has also flushed everything acknowledged before.
   */
  private async restoreSync(row: InstanceRow, ha: HaState, base: InstanceSpec, h: Health): Promise<void> {
    const { engine, log } = this.deps;
    const pid = nodeEngineId(row.id, ha.primary);
    const name = standbyName(1 - ha.primary);
    await engine.setSynchronous?.(pid, [name]);
    await engine.ensureRunning(this.specs(row, ha, base, true).primary);
    // Commits wait from here on: arm the fallback, in case the standby goes while it catches up.
    h.lastHealthyAt = Date.now();
    const deadline = Date.now() + 30_000;
    let target: number | undefined;
    for (;;) {
      const r = (await engine.replicas(pid)).find((x) => x.name === name);
      if (r?.syncState === 'sync' && target === undefined) target = r.flushLsn + Math.max(0, r.flushLagBytes);
      if (r && target !== undefined && r.flushLsn >= target) break;
      if (this.observeStandby(h, r) === false && Date.now() - h.lastHealthyAt > this.fallbackMs(ha)) {
        await engine.setSynchronous?.(pid, []);
        throw new Error(`the standby ${nodeEngineId(row.id, 1 - ha.primary)} did not catch up (state ${r?.state ?? 'absent'}); commits stay asynchronous`);
      }
      if (Date.now() > deadline) {
        await engine.setSynchronous?.(pid, []);
        throw new Error(`the standby ${nodeEngineId(row.id, 1 - ha.primary)} did not become synchronous within 30 s`);
      }
      await new Promise((res) => setTimeout(res, 20));
    }
    await this.setState(row.id, h, 'sync');
    log.info({ instance: row.id }, 'semi-sync: commits wait for the standby');
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
        // The read-only instances' slots (base.replication, from the reconciler) are kept beside the standby's.
        replication: { role: 'primary', slots: [standbyName(s), ...(base.replication?.role === 'primary' ? base.replication.slots : [])], synchronous: synchronous ? [standbyName(s)] : [] },
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
    const h = this.h(row);
    const failoverSince = this.failovers.get(row.id);
    const primaryBefore = ha.primary;
    if (failoverSince !== undefined) {
      ha = await this.swap(row, ha, 'failover');
      this.failovers.delete(row.id);
    } else if (ha.switchover) {
      ha = await this.switchover(row, ha, base);
    }
    const semi = ha.syncMode === 'Semi-sync';
    const sid = nodeEngineId(row.id, 1 - ha.primary);
    const pid = nodeEngineId(row.id, ha.primary);
    const streaming = async () => (await engine.replicas(pid)).find((r) => r.name === standbyName(1 - ha.primary));
    const now = await streaming();
    // Not known yet (a new instance, or one made before the state was stored): synchronous only with a
    // standby there and synchronous now. Otherwise commits (pgcloud's own admin role among them) would
    // wait for a standby that does not exist yet.
    if (h.state === undefined || !semi) await this.setState(row.id, h, semi && now?.syncState === 'sync' ? 'sync' : 'async');
    // Semi-sync stays synchronous while the standby is down: commits wait for it until the fallback time
    // has passed (the timer), not just until this reconcile notices it is gone.
    const sync = semi && h.state === 'sync';
    if (sync && !this.observeStandby(h, now)) this.armFallback(row.id, h, ha);
    const specs = this.specs(row, ha, base, sync);
    await engine.setSynchronous?.(pid, sync ? [standbyName(1 - ha.primary)] : []);
    // Switched (failover, switchover): the instance is back once the new primary serves at its
    // address. Its new standby (the former primary, rebuilt from a base backup) is made afterwards,
    // as the repair of a standby that is down, while the instance is running (asynchronous meanwhile).
    const switched = ha.primary !== primaryBefore || row.status === 'switching';
    // A new standby's files are copied while the primary starts (used only if they fit it then).
    const staging = switched ? undefined : engine.stageStandby?.(specs.standby).catch((e) => log.warn({ instance: row.id, err: e }, 'could not prepare the standby ahead'));
    try {
      if (restart) await engine.restart(specs.primary);
      else await engine.ensureRunning(specs.primary);
    } finally {
      await staging;
    }
    // From the primary found dead to the promoted node serving at the instance's address.
    if (failoverSince !== undefined) failoverDuration.observe((Date.now() - failoverSince) / 1000);
    if (switched) return;
    await engine.ensureRunning(specs.standby);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await streaming();
      if (r?.state === 'streaming') break;
      if (Date.now() > deadline) throw new Error(`the standby ${sid} does not stream from the primary (state ${r?.state ?? 'absent'})`);
      await new Promise((res) => setTimeout(res, 50));
    }
    h.lastHealthyAt = Date.now();
    h.probeFailures = 0;
    this.disarm(h);
    if (semi && h.state !== 'sync') await this.restoreSync(row, ha, base, h);
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
    // Until the rebuilt standby has caught up, commits must not wait for it.
    await this.setState(row.id, this.h(row), 'async');
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
    const h = this.h(row);
    const pid = nodeEngineId(row.id, ha.primary);
    const sid = nodeEngineId(row.id, 1 - ha.primary);
    const [p, s] = await Promise.all([engine.observe(pid).catch(() => ({ running: false })), engine.observe(sid).catch(() => ({ running: false }))]);
    let primaryOk = p.running;
    if (primaryOk) {
      if (await engine.probe(pid, 1500)) h.probeFailures = 0;
      else if (++h.probeFailures >= 3) primaryOk = false;
    }
    const now = Date.now();
    const semi = ha.syncMode === 'Semi-sync';
    if (!primaryOk) {
      const fresh = now - h.lastHealthyAt <= (semi ? this.fallbackMs(ha) : ha.maxStandbyLag * 1000);
      // Semi-sync: only a standby every acknowledged commit waited for (not fallen back).
      const eligible = s.running && fresh && (semi ? h.state === 'sync' : h.lastLagBytes <= ha.maxStandbyLatency);
      if (eligible) {
        this.failovers.set(row.id, Date.now());
        return 'failover';
      }
      log.warn({ instance: row.id, standbyRunning: s.running, syncState: h.state, lagBytes: h.lastLagBytes }, 'primary is down and the standby may not have every commit: restarting the primary in place');
      return 'primary-down';
    }
    const r = (await engine.replicas(pid)).find((x) => x.name === standbyName(1 - ha.primary));
    const healthy = this.observeStandby(h, r);
    if (healthy) this.disarm(h);
    if (h.state === undefined) await this.setState(row.id, h, semi && r?.syncState === 'sync' ? 'sync' : 'async');
    if (semi) {
      const tooFar = r !== undefined && ha.maxSyncStandbyLatency ? r.flushLagBytes > ha.maxSyncStandbyLatency : false;
      if (h.state === 'sync' && (tooFar || now - h.lastHealthyAt > this.fallbackMs(ha))) await this.fallBack(row.id, h, pid, now - h.lastHealthyAt);
      else if (h.state === 'sync' && !healthy) this.armFallback(row.id, h, ha);
      else if (h.state === 'async' && r?.state === 'streaming' && !tooFar && !h.restoring) {
        // In the background: the checks of the other instances do not wait for it to catch up.
        const spec = await base();
        h.restoring = this.restoreSync(row, ha, spec, h)
          .catch((e) => log.warn({ instance: row.id, err: e }, 'semi-sync: could not return to synchronous yet'))
          .finally(() => (h.restoring = undefined));
      }
    }
    if (!s.running) return 'standby-down';
    return 'ok';
  }

  /** Semi-sync's state for the API: what commits do now. */
  static syncStateOf(row: Pick<InstanceRow, 'ha' | 'sync_state'>): SyncState {
    const ha = haOf(row);
    return ha?.syncMode === 'Semi-sync' && row.sync_state === 'sync' ? 'sync' : 'async';
  }
}
