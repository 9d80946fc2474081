// DeleteReadOnlyGroup: an empty group is deleted (its address stops listening on the reconciler's next
// pass); one that still has members is refused: remove them first (RemoveDBInstanceFromReadOnlyGroup).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { insertTask } from '../../../store/lifecycle.ts';
import { groupMembers } from '../../../store/readonly.ts';
import { findGroup } from '../readonlyGroups.ts';

export default defineAction<{ ReadOnlyGroupId: string }, { FlowId: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DeleteReadOnlyGroup',
  request: { ReadOnlyGroupId: { type: 'string', required: true, description: 'The read-only group to delete.' } },
  async handle(ctx, req) {
    const g = await findGroup(ctx, req.ReadOnlyGroupId);
    const now = ctx.clock.now().toISOString();
    const flowId = await ctx.db.transaction().execute(async (trx) => {
      const members = await groupMembers(trx, g.id);
      if (members.length)
        throw new ApiError('FailedOperation.ROGroupCannotBeDeletedError', `RO group ${g.id} still has ${members.length} read-only instance(s) (${members.map((m) => m.id).join(', ')}); remove them first.`);
      await trx.updateTable('readonly_groups').set({ status: 'deleting', updated_at: now }).where('id', '=', g.id).execute();
      return insertTask(trx, { uin: ctx.account.uin, instanceId: g.id, type: 'DeleteReadOnlyGroup', generation: 0, input: {}, now });
    });
    ctx.wakeReconciler();
    return { FlowId: flowId };
  },
});
