// Changing a security group's policies: one transaction that checks the set's Version (when given),
// applies the change, bumps the version and the generation of every instance bound to the group, so
// the reconciler rewrites their pg_hba.conf and reloads them at once.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { bumpInstances, findSecurityGroup, instancesOfGroup, type StoredPolicy } from '../../store/vpc.ts';
import { notFound } from './common.ts';

export type Lists = { ingress: StoredPolicy[]; egress: StoredPolicy[] };

export async function changePolicies(ctx: ActionContext, groupId: string, version: string | undefined, change: (lists: Lists) => void): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const bound = await ctx.db.transaction().execute(async (trx) => {
    const group = await findSecurityGroup(trx, ctx.account.uin, groupId);
    if (!group) throw notFound('Security group', groupId);
    if (version !== undefined && version !== '' && version !== String(group.version))
      throw new ApiError('UnsupportedOperation.VersionMismatch', `The policy set of ${groupId} is at version ${group.version}, not ${version}; describe it again and retry.`);
    const lists: Lists = { ingress: JSON.parse(group.ingress), egress: JSON.parse(group.egress) };
    change(lists);
    if (lists.ingress.length > 1000 || lists.egress.length > 1000) throw new ApiError('LimitExceeded', 'A security group holds at most 1000 policies per direction.');
    await trx
      .updateTable('security_groups')
      .set({ ingress: JSON.stringify(lists.ingress), egress: JSON.stringify(lists.egress), version: group.version + 1, updated_at: now })
      .where('id', '=', group.id)
      .execute();
    const ids = await instancesOfGroup(trx, group.id);
    await bumpInstances(trx, ids);
    return ids;
  });
  if (bound.length) ctx.wakeReconciler();
}
