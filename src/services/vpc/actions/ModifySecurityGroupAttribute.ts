// ModifySecurityGroupAttribute: changes a security group's name and description; what is not given stays.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findSecurityGroup } from '../../../store/vpc.ts';
import { notFound, VERSION } from '../common.ts';

interface Request {
  SecurityGroupId: string;
  GroupName?: string;
  GroupDescription?: string;
}

export default defineAction<Request, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'ModifySecurityGroupAttribute',
  request: {
    SecurityGroupId: { type: 'string', required: true, description: 'Security group ID, e.g. sg-33ocnj9n.' },
    GroupName: { type: 'string', description: 'Name, at most 60 characters.' },
    GroupDescription: { type: 'string', description: 'Description, at most 100 characters.' },
  },
  async handle(ctx, req) {
    if (req.GroupName !== undefined && (!req.GroupName.trim() || req.GroupName.length > 60)) throw new ApiError('InvalidParameterValue.TooLong', 'GroupName must be 1-60 characters.');
    if (req.GroupDescription !== undefined && req.GroupDescription.length > 100) throw new ApiError('InvalidParameterValue.TooLong', 'GroupDescription is at most 100 characters.');
    await ctx.db.transaction().execute(async (trx) => {
      const group = await findSecurityGroup(trx, ctx.account.uin, req.SecurityGroupId);
      if (!group || group.region !== ctx.region) throw notFound('Security group', req.SecurityGroupId);
      if (req.GroupName === undefined && req.GroupDescription === undefined) return;
      await trx
        .updateTable('security_groups')
        .set({ name: req.GroupName ?? group.name, description: req.GroupDescription ?? group.description, updated_at: ctx.clock.now().toISOString() })
        .where('id', '=', group.id)
        .execute();
    });
    return {};
  },
});
