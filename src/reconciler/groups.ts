// Read-only groups: each group's address is a balancer of the engine (a TCP relay) spreading new
// connections over its members by weight. Run on every reconciler pass: a new group gets an address of
// its own and becomes "ok", a group being deleted loses its balancer and row, and every group's members
// are the ones of its read-only instances that are up now (one that is down, isolated or gone leaves
// the spread until it is back). Pending tasks of a group (FlowId of Add/Remove) are done once applied.
import type { Store } from '../store/db.ts';
import type { Engine } from '../engine/types.ts';
import type { Config } from '../core/config.ts';
import type { Clock } from '../core/time.ts';
import type { Logger } from 'pino';
import { allocateAddress } from './address.ts';
import { groupMembers, memberWeight, type ReadonlyGroupRow } from '../store/readonly.ts';
import type { InstanceRow } from '../store/instances.ts';
import { readOnlyEngineId } from '../store/ha.ts';

/** Member statuses in which a read-only instance takes connections. */
const SERVING = ['running', 'readonly'];

export class ReadOnlyGroupsController {
  private running: Promise<void> | undefined;
  /** Members taken out of their group's spread for lagging, by group (for the log on a change). */
  private readonly eliminated = new Map<string, string>();

  constructor(private readonly deps: { db: Store; engine: Engine; config: Config; clock: Clock; log: Logger }) {}

  /** One round over every group (a round already under way is not doubled). */
  pass(): Promise<void> {
    this.running ??= this.round()
      .catch((e) => this.deps.log.warn({ err: e }, 'read-only groups: round failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * MaxReplayLag (seconds) / MaxReplayLatency (MB) with their switches on: members whose replay is
   * further behind, measured on each member's server (engine.replayDelay), leave the spread until they
   * have caught up, keeping at least MinDelayEliminateReserve members (the least behind of the lagging
   * ones stay). A member that cannot be measured is kept.
   */
  private async withoutLagging(g: ReadonlyGroupRow, serving: InstanceRow[]): Promise<InstanceRow[]> {
    const { engine, log } = this.deps;
    if ((!g.replay_lag_eliminate && !g.replay_latency_eliminate) || !engine.replayDelay) return serving;
    const measured = await Promise.all(serving.map(async (m) => ({ m, d: await engine.replayDelay!(readOnlyEngineId(m)!) })));
    const over = (d: { bytes: number; seconds: number } | undefined) =>
      d !== undefined && ((g.replay_lag_eliminate === 1 && d.seconds > g.max_replay_lag) || (g.replay_latency_eliminate === 1 && d.bytes > g.max_replay_latency * 1048576));
    const kept = measured.filter((x) => !over(x.d));
    const lagging = measured.filter((x) => over(x.d)).sort((a, b) => a.d!.bytes - b.d!.bytes || a.d!.seconds - b.d!.seconds);
    while (kept.length < g.min_delay_eliminate_reserve && lagging.length) kept.push(lagging.shift()!);
    const out = lagging.map((x) => x.m.id).sort().join(',');
    if ((this.eliminated.get(g.id) ?? '') !== out) {
      log.warn({ group: g.id, eliminated: lagging.map((x) => ({ id: x.m.id, ...x.d })) }, 'read-only group: members lagging beyond the limits are out of the spread');
      this.eliminated.set(g.id, out);
    }
    return serving.filter((m) => kept.some((x) => x.m === m));
  }

  private async round(): Promise<void> {
    const { db, engine, config, clock, log } = this.deps;
    if (!engine.ensureBalancer) return;
    const groups = await db.selectFrom('readonly_groups').selectAll().execute();
    for (const g of groups) {
      if (g.status === 'deleting') {
        await engine.removeBalancer?.(g.id);
        await db.updateTable('tasks').set({ status: 'Success', progress: 100, ended_at: clock.now().toISOString() }).where('instance_id', '=', g.id).where('status', '=', 'Running').execute();
        await db.deleteFrom('readonly_groups').where('id', '=', g.id).where('status', '=', 'deleting').execute();
        log.info({ group: g.id }, 'read-only group deleted');
        continue;
      }
      let { host, port } = g;
      if (!host || !port) {
        const [inst, grp] = await Promise.all([
          db.selectFrom('instances').select(['host', 'port']).where('host', 'is not', null).execute(),
          db.selectFrom('readonly_groups').select(['host', 'port']).where('host', 'is not', null).execute(),
        ]);
        const taken = new Set([...inst, ...grp].map((u) => `${u.host}:${u.port}`));
        ({ host, port } = await allocateAddress(config.addressPool, config.instancePort, taken));
        await db.updateTable('readonly_groups').set({ host, port }).where('id', '=', g.id).execute();
      }
      const serving = (await groupMembers(db, g.id)).filter((m) => m.desired_state === 'running' && SERVING.includes(m.status) && m.host && m.port);
      const members = (await this.withoutLagging(g, serving)).map((m) => ({ id: m.id, host: m.host!, port: m.port!, weight: memberWeight(g, m) }));
      try {
        await engine.ensureBalancer({ id: g.id, host, port, members });
      } catch (e) {
        log.warn({ group: g.id, err: e }, 'read-only group address could not be made');
        continue;
      }
      const now = clock.now().toISOString();
      if (g.status === 'creating') await db.updateTable('readonly_groups').set({ status: 'ok', updated_at: now }).where('id', '=', g.id).where('status', '=', 'creating').execute();
      await db.updateTable('tasks').set({ status: 'Success', progress: 100, ended_at: now }).where('instance_id', '=', g.id).where('status', '=', 'Running').execute();
    }
  }
}
