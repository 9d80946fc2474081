// ModifyReadOnlyGroupConfig: a group's name, replay-lag elimination and Rebalance. Rebalance 1 weighs
// members by spec; turned to 0 each member keeps the weight it had (recorded as its own weight), so the
// spread does not change until weights are set. Applied on the reconciler's next pass.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { groupMembers, memberWeight } from '../../../store/readonly.ts';
import { checkFlag, checkInstanceName } from '../rules.ts';
import { findGroup } from '../readonlyGroups.ts';

interface Request {
  ReadOnlyGroupId: string;
  ReadOnlyGroupName?: string;
  ReplayLagEliminate?: number;
  ReplayLatencyEliminate?: number;
  MaxReplayLatency?: number;
  MaxReplayLag?: number;
  Rebalance?: number;
  MinDelayEliminateReserve?: number;
}

export default defineAction<Request, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyReadOnlyGroupConfig',
  request: {
    ReadOnlyGroupId: { type: 'string', required: true, description: 'The read-only group.' },
    ReadOnlyGroupName: { type: 'string', description: 'New name, under 60 characters.' },
    ReplayLagEliminate: { type: 'integer', description: '0 or 1.' },
    ReplayLatencyEliminate: { type: 'integer', description: '0 or 1.' },
    MaxReplayLatency: { type: 'integer', description: 'MB; a positive integer with ReplayLatencyEliminate on.' },
    MaxReplayLag: { type: 'integer', description: 'Seconds; a positive integer with ReplayLagEliminate on.' },
    Rebalance: { type: 'integer', description: 'Automatic weights by spec: 0 or 1.' },
    MinDelayEliminateReserve: { type: 'integer', description: '0-100.' },
  },
  async handle(ctx, req) {
    const g = await findGroup(ctx, req.ReadOnlyGroupId);
    if (req.ReadOnlyGroupName !== undefined) {
      if (!req.ReadOnlyGroupName) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'ReadOnlyGroupName must not be empty.');
      checkInstanceName(req.ReadOnlyGroupName, 'ReadOnlyGroupName');
    }
    const lagOn = req.ReplayLagEliminate === undefined ? g.replay_lag_eliminate : checkFlag(req.ReplayLagEliminate, 'ReplayLagEliminate');
    const latencyOn = req.ReplayLatencyEliminate === undefined ? g.replay_latency_eliminate : checkFlag(req.ReplayLatencyEliminate, 'ReplayLatencyEliminate');
    const maxLag = req.MaxReplayLag ?? g.max_replay_lag;
    const maxLatency = req.MaxReplayLatency ?? g.max_replay_latency;
    for (const [on, v, name] of [[lagOn, maxLag, 'MaxReplayLag'], [latencyOn, maxLatency, 'MaxReplayLatency']] as const)
      if (!Number.isInteger(v) || v < 0 || (on === 1 && v === 0))
        throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `${name} must be a positive integer while its elimination switch is on (got ${v}).`);
    const reserve = req.MinDelayEliminateReserve ?? g.min_delay_eliminate_reserve;
    if (!Number.isInteger(reserve) || reserve < 0 || reserve > 100) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `MinDelayEliminateReserve must be between 0 and 100 (got ${reserve}).`);
    const rebalance = req.Rebalance === undefined ? g.rebalance : checkFlag(req.Rebalance, 'Rebalance');
    const now = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      if (g.rebalance === 1 && rebalance === 0)
        for (const m of await groupMembers(trx, g.id)) await trx.updateTable('instances').set({ ro_weight: memberWeight(g, m) }).where('id', '=', m.id).execute();
      await trx
        .updateTable('readonly_groups')
        .set({
          name: req.ReadOnlyGroupName ?? g.name, replay_lag_eliminate: lagOn, replay_latency_eliminate: latencyOn, max_replay_lag: maxLag,
          max_replay_latency: maxLatency, min_delay_eliminate_reserve: reserve, rebalance, updated_at: now,
        })
        .where('id', '=', g.id)
        .execute();
    });
    ctx.wakeReconciler();
    return {};
  },
});
