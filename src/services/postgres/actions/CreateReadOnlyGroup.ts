// CreateReadOnlyGroup: a group of a master's read-only instances with an address of its own, on which
// pgcloud's relay spreads new connections over the members by weight (src/reconciler/groups.ts). The
// group is "creating" until its address listens, then "ok".
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { newReadOnlyGroupId } from '../../../core/ids.ts';
import { insertTask } from '../../../store/lifecycle.ts';
import { findSubnet, findVpc } from '../../../store/networks.ts';
import { projectExists } from '../../../store/projects.ts';
import { checkSecurityGroupIds } from '../network.ts';
import { findInstance } from '../lifecycle.ts';
import { checkFlag, checkInstanceName } from '../rules.ts';

interface Request {
  MasterDBInstanceId: string;
  Name: string;
  ProjectId?: number;
  VpcId?: string;
  SubnetId?: string;
  ReplayLagEliminate?: number;
  ReplayLatencyEliminate?: number;
  MaxReplayLag?: number;
  MaxReplayLatency?: number;
  MinDelayEliminateReserve?: number;
  SecurityGroupIds?: string[];
}

export default defineAction<Request, { ReadOnlyGroupId: string; FlowId: number; TaskId: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'CreateReadOnlyGroup',
  request: {
    MasterDBInstanceId: { type: 'string', required: true, description: 'The master instance.' },
    Name: { type: 'string', required: true, description: 'Group name, under 60 characters.' },
    ProjectId: { type: 'integer', description: 'Project ID, default 0.' },
    VpcId: { type: 'string', description: "VPC of the group's address; the master's when omitted." },
    SubnetId: { type: 'string', description: "Subnet of the group's address; the master's when omitted." },
    ReplayLagEliminate: { type: 'integer', description: 'Take lagging members out of the spread by replay time: 0 or 1.' },
    ReplayLatencyEliminate: { type: 'integer', description: 'Take lagging members out by replay bytes: 0 or 1.' },
    MaxReplayLag: { type: 'integer', description: 'Replay lag threshold, seconds (0 when ReplayLagEliminate is 0).' },
    MaxReplayLatency: { type: 'integer', description: 'Replay lag threshold, MB (0 when ReplayLatencyEliminate is 0).' },
    MinDelayEliminateReserve: { type: 'integer', description: 'Members kept in the spread however far behind, 0-100.' },
    SecurityGroupIds: { type: { array: 'string' }, description: 'Security groups.' },
  },
  async handle(ctx, req) {
    const master = await findInstance(ctx, req.MasterDBInstanceId);
    if (master.master_id) throw new ApiError('FailedOperation.ROGroupMasterInstanceNotRight', `Instance ${master.id} is a read-only instance; a read-only group belongs to a primary instance.`);
    if (!req.Name) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'Name must name the read-only group.');
    checkInstanceName(req.Name);
    const lagOn = checkFlag(req.ReplayLagEliminate, 'ReplayLagEliminate');
    const latencyOn = checkFlag(req.ReplayLatencyEliminate, 'ReplayLatencyEliminate');
    const maxLag = req.MaxReplayLag ?? 0;
    const maxLatency = req.MaxReplayLatency ?? 0;
    const reserve = req.MinDelayEliminateReserve ?? 0;
    for (const [on, v, name] of [[lagOn, maxLag, 'MaxReplayLag'], [latencyOn, maxLatency, 'MaxReplayLatency']] as const) {
      if (!Number.isInteger(v) || v < 0 || (on === 1 && v === 0) || (on === 0 && v !== 0))
        throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `${name} must be a positive integer with its elimination switch on, and 0 with it off (got ${v}).`);
    }
    if (!Number.isInteger(reserve) || reserve < 0 || reserve > 100) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `MinDelayEliminateReserve must be between 0 and 100 (got ${reserve}).`);
    const projectId = req.ProjectId ?? 0;
    if (!(await projectExists(ctx.db, ctx.account.uin, projectId)))
      throw new ApiError('InvalidParameterValue.IllegalProjectId', `Project ${projectId} does not exist; see tag DescribeProjects (AddProject makes one).`);
    await checkSecurityGroupIds(ctx.db, ctx.account.uin, ctx.region, req.SecurityGroupIds ?? []);
    let vpcId = master.vpc_id;
    let subnetId = master.subnet_id;
    if (req.VpcId || req.SubnetId) {
      const vpc = req.VpcId ? await findVpc(ctx.db, ctx.account.uin, req.VpcId) : undefined;
      if (!vpc || vpc.region !== ctx.region) throw new ApiError('InvalidParameter.VpcNotFoundError', `VPC "${req.VpcId ?? ''}" was not found in region ${ctx.region}.`);
      const subnet = req.SubnetId ? await findSubnet(ctx.db, ctx.account.uin, req.SubnetId) : undefined;
      if (!subnet || subnet.vpc_id !== vpc.id) throw new ApiError('InvalidParameter.VpcNotFoundError', `Subnet "${req.SubnetId ?? ''}" was not found in VPC ${vpc.id}.`);
      vpcId = vpc.id;
      subnetId = subnet.id;
    }
    const id = newReadOnlyGroupId();
    const now = ctx.clock.now().toISOString();
    const flowId = await ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('readonly_groups')
        .values({
          id, uin: ctx.account.uin, region: ctx.region, master_id: master.id, name: req.Name, project_id: projectId, vpc_id: vpcId, subnet_id: subnetId,
          status: 'creating', host: null, port: null, replay_lag_eliminate: lagOn, replay_latency_eliminate: latencyOn, max_replay_lag: maxLag,
          max_replay_latency: maxLatency, min_delay_eliminate_reserve: reserve, rebalance: 1, created_at: now, updated_at: now,
        })
        .execute();
      return insertTask(trx, { uin: ctx.account.uin, instanceId: id, type: 'CreateReadOnlyGroup', generation: 0, input: { MasterDBInstanceId: master.id }, now });
    });
    ctx.log.info({ group: id, master: master.id }, 'read-only group created');
    ctx.wakeReconciler();
    return { ReadOnlyGroupId: id, FlowId: flowId, TaskId: flowId };
  },
});
