// DescribeSecurityGroupAssociationStatistics: how many instances each security group is bound to.
// pgcloud's instances are PostgreSQL ones: counted under InstanceStatistics as POSTGRES and in
// TotalCount; CVM, CDB (MySQL), ENI and CLB are 0, and so is SG (no group names another as a source).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findSecurityGroup, instancesOfGroup } from '../../../store/vpc.ts';
import { notFound, VERSION } from '../common.ts';

export default defineAction<{ SecurityGroupIds: string[] }, { SecurityGroupAssociationStatisticsSet: Record<string, unknown>[] }>({
  service: 'vpc',
  version: VERSION,
  name: 'DescribeSecurityGroupAssociationStatistics',
  request: { SecurityGroupIds: { type: { array: 'string' }, required: true, description: 'Security group IDs, at most 100.' } },
  async handle(ctx, req) {
    if (req.SecurityGroupIds.length === 0) throw new ApiError('MissingParameter', 'SecurityGroupIds must name at least one group.');
    if (req.SecurityGroupIds.length > 100) throw new ApiError('InvalidParameterValue.LimitExceeded', 'At most 100 SecurityGroupIds.');
    const out: Record<string, unknown>[] = [];
    for (const id of req.SecurityGroupIds) {
      if (!/^sg-[a-z0-9]{8}$/.test(id)) throw new ApiError('InvalidParameterValue.Malformed', `"${id}" is not a security group ID (sg-xxxxxxxx).`);
      const group = await findSecurityGroup(ctx.db, ctx.account.uin, id);
      if (!group || group.region !== ctx.region) throw notFound('Security group', id);
      const bound = (await instancesOfGroup(ctx.db, group.id)).length;
      out.push({
        SecurityGroupId: group.id, CVM: 0, CDB: 0, ENI: 0, SG: 0, CLB: 0,
        InstanceStatistics: bound ? [{ InstanceType: 'POSTGRES', InstanceCount: bound }] : [],
        TotalCount: bound,
      });
    }
    return { SecurityGroupAssociationStatisticsSet: out };
  },
});
