// RebalanceReadOnlyGroup: the members' weights are set by spec again (memory in GB, as with Rebalance 1),
// for the connections made from the reconciler's next pass on.
import { defineAction } from '../../../core/action.ts';
import { groupMembers, memberWeight } from '../../../store/readonly.ts';
import { findGroup } from '../readonlyGroups.ts';

export default defineAction<{ ReadOnlyGroupId: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'RebalanceReadOnlyGroup',
  request: { ReadOnlyGroupId: { type: 'string', required: true, description: 'The read-only group.' } },
  async handle(ctx, req) {
    const g = await findGroup(ctx, req.ReadOnlyGroupId);
    await ctx.db.transaction().execute(async (trx) => {
      for (const m of await groupMembers(trx, g.id)) await trx.updateTable('instances').set({ ro_weight: memberWeight({ rebalance: 1 }, m) }).where('id', '=', m.id).execute();
    });
    ctx.wakeReconciler();
    return {};
  },
});
