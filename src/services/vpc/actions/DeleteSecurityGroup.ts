// DeleteSecurityGroup: refused while an instance is bound to it, and for the default group (which the
// real service does not let be deleted either); its tags go with it.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findSecurityGroup, instancesOfGroup } from '../../../store/vpc.ts';
import { dropResourceTags } from '../../../store/tags.ts';
import { notFound, VERSION } from '../common.ts';
import { securityGroupResource } from '../tags.ts';

export default defineAction<{ SecurityGroupId: string }, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'DeleteSecurityGroup',
  regionRequired: false,
  request: { SecurityGroupId: { type: 'string', required: true, description: 'Security group ID.' } },
  async handle(ctx, req) {
    await ctx.db.transaction().execute(async (trx) => {
      const group = await findSecurityGroup(trx, ctx.account.uin, req.SecurityGroupId);
      if (!group) throw notFound('Security group', req.SecurityGroupId);
      if (group.is_default === 1) throw new ApiError('UnsupportedOperation', `Security group ${group.id} is the default group of project ${group.project_id}; a default group cannot be deleted.`);
      const bound = await instancesOfGroup(trx, group.id);
      if (bound.length) throw new ApiError('ResourceInUse', `Security group ${group.id} is bound to instance(s) ${bound.join(', ')}; unbind it first (postgres ModifyDBInstanceSecurityGroups).`);
      await trx.deleteFrom('instance_security_groups').where('group_id', '=', group.id).execute();
      await trx.deleteFrom('security_groups').where('id', '=', group.id).execute();
      await dropResourceTags(trx, ctx.account.uin, [securityGroupResource(group.region, group.id)]);
    });
    return {};
  },
});
