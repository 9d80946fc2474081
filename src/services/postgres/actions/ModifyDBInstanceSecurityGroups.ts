// ModifyDBInstanceSecurityGroups: replaces the groups bound to an instance (in the given order); the
// reconciler rewrites the server's pg_hba.conf and reloads it at once. An empty set unbinds every
// group, which leaves the instance unfiltered (any address may try to log in), as with no group.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getInstance } from '../../../store/instances.ts';
import { bindSecurityGroups, bumpInstances } from '../../../store/vpc.ts';
import { checkSecurityGroupIds } from '../network.ts';

export default defineAction<{ SecurityGroupIdSet: string[]; DBInstanceId?: string; ReadOnlyGroupId?: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDBInstanceSecurityGroups',
  request: {
    SecurityGroupIdSet: { type: { array: 'string' }, required: true, description: 'Security groups to bind, in order.' },
    DBInstanceId: { type: 'string', description: 'Instance ID.' },
    ReadOnlyGroupId: { type: 'string', description: 'RO group ID (no RO groups exist in pgcloud yet).' },
  },
  async handle(ctx, req) {
    if (!req.DBInstanceId) {
      if (req.ReadOnlyGroupId) throw new ApiError('InvalidParameterValue.ReadOnlyGroupNotExist', `The RO group ${req.ReadOnlyGroupId} does not exist.`);
      throw new ApiError('MissingParameter', 'DBInstanceId or ReadOnlyGroupId is required.');
    }
    const id = req.DBInstanceId;
    await ctx.db.transaction().execute(async (trx) => {
      const row = await getInstance(trx, ctx.account.uin, id);
      if (!row || row.region !== ctx.region) throw new ApiError('ResourceNotFound.InstanceNotFoundError', `The instance ${id} does not exist.`);
      const groups = await checkSecurityGroupIds(trx, ctx.account.uin, ctx.region, req.SecurityGroupIdSet);
      await bindSecurityGroups(trx, row.id, groups);
      await bumpInstances(trx, [row.id]);
    });
    ctx.wakeReconciler();
    return {};
  },
});
