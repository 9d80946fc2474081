// Shared rules of the read-only group actions: finding a group and a read-only instance, and the
// ReadOnlyGroup model of the API built from the stored group and its members.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import type { InstanceRow } from '../../store/instances.ts';
import { getReadonlyGroup, groupMembers, type ReadonlyGroupRow } from '../../store/readonly.ts';
import { dbInstanceView } from './instanceView.ts';
import { instanceTags } from './tags.ts';
import { findInstance } from './lifecycle.ts';

export const GROUP_NOT_FOUND = 'InvalidParameterValue.ReadOnlyGroupNotExist';

/** The caller's group in the request's region (not being deleted), or InvalidParameterValue.ReadOnlyGroupNotExist. */
export async function findGroup(ctx: ActionContext, id: string): Promise<ReadonlyGroupRow> {
  const g = id ? await getReadonlyGroup(ctx.db, ctx.account.uin, id) : undefined;
  if (!g || g.region !== ctx.region || g.status === 'deleting') throw new ApiError(GROUP_NOT_FOUND, `The RO group ${id} does not exist.`);
  return g;
}

/** The caller's read-only instance, or an error saying it is not one. */
export async function findReadOnlyInstance(ctx: ActionContext, id: string): Promise<InstanceRow> {
  const row = await findInstance(ctx, id);
  if (!row.master_id) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Instance ${row.id} is not a read-only instance (its DBInstanceType is primary).`);
  return row;
}

export async function groupView(ctx: ActionContext, g: ReadonlyGroupRow, masterZone: string): Promise<Record<string, unknown>> {
  const members = await groupMembers(ctx.db, g.id);
  const tags = await instanceTags(ctx.db, ctx.account.uin, g.region, members.map((m) => m.id));
  const listening = g.status === 'ok' && g.host !== null;
  return {
    ReadOnlyGroupId: g.id,
    ReadOnlyGroupName: g.name,
    ProjectId: g.project_id,
    MasterDBInstanceId: g.master_id,
    MinDelayEliminateReserve: g.min_delay_eliminate_reserve,
    MaxReplayLatency: g.max_replay_latency,
    ReplayLatencyEliminate: g.replay_latency_eliminate,
    MaxReplayLag: g.max_replay_lag,
    ReplayLagEliminate: g.replay_lag_eliminate,
    VpcId: g.vpc_id,
    SubnetId: g.subnet_id,
    Region: g.region,
    Zone: masterZone,
    Status: g.status,
    ReadOnlyDBInstanceList: members.map((m) => dbInstanceView(m, ctx.account, tags.get(m.id) ?? [])),
    Rebalance: g.rebalance,
    DBInstanceNetInfo: [
      { Address: '', Ip: listening ? g.host : '', Port: listening ? g.port : 0, NetType: 'private', Status: listening ? 'opened' : 'initing', VpcId: g.vpc_id, SubnetId: g.subnet_id, ProtocolType: 'postgresql' },
    ],
    NetworkAccessList: null,
  };
}
