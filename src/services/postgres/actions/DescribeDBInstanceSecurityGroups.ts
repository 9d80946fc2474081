// DescribeDBInstanceSecurityGroups: the groups bound to an instance, in binding order, with their
// policies in postgres' PolicyRule shape (the vpc service's SecurityGroupPolicy, renamed).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { formatApiTime } from '../../../core/time.ts';
import { getInstance } from '../../../store/instances.ts';
import type { StoredPolicy } from '../../../store/vpc.ts';

const rule = (p: StoredPolicy) => ({ Action: p.Action, CidrIp: p.CidrBlock || p.Ipv6CidrBlock, PortRange: p.Port, IpProtocol: p.Protocol, Description: p.PolicyDescription });

export default defineAction<{ DBInstanceId?: string; ReadOnlyGroupId?: string }, { SecurityGroupSet: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDBInstanceSecurityGroups',
  request: {
    DBInstanceId: { type: 'string', description: 'Instance ID.' },
    ReadOnlyGroupId: { type: 'string', description: 'RO group ID (no RO groups exist in pgcloud yet).' },
  },
  async handle(ctx, req) {
    if (!req.DBInstanceId) {
      if (req.ReadOnlyGroupId) throw new ApiError('InvalidParameterValue.ReadOnlyGroupNotExist', `The RO group ${req.ReadOnlyGroupId} does not exist.`);
      throw new ApiError('MissingParameter', 'DBInstanceId or ReadOnlyGroupId is required.');
    }
    const row = await getInstance(ctx.db, ctx.account.uin, req.DBInstanceId);
    if (!row || row.region !== ctx.region) throw new ApiError('ResourceNotFound.InstanceNotFoundError', `The instance ${req.DBInstanceId} does not exist.`);
    const groups = await ctx.db
      .selectFrom('instance_security_groups')
      .innerJoin('security_groups', 'security_groups.id', 'instance_security_groups.group_id')
      .selectAll('security_groups')
      .where('instance_security_groups.instance_id', '=', row.id)
      .orderBy('instance_security_groups.position')
      .execute();
    return {
      SecurityGroupSet: groups.map((g) => ({
        ProjectId: g.project_id,
        CreateTime: formatApiTime(g.created_at),
        Inbound: (JSON.parse(g.ingress) as StoredPolicy[]).map(rule),
        Outbound: (JSON.parse(g.egress) as StoredPolicy[]).map(rule),
        SecurityGroupId: g.id,
        SecurityGroupName: g.name,
        SecurityGroupDescription: g.description,
      })),
    };
  },
});
