// DestroyDBInstance: deletes an isolated instance for good. It disappears from DescribeDBInstances at
// once (desired state "destroyed"); the reconciler removes its data directory and frees its address.
import { defineAction } from '../../../core/action.ts';
import { changeInstance } from '../../../store/lifecycle.ts';
import { readOnlyInstancesOf } from '../../../store/readonly.ts';
import { dropResourceTags } from '../../../store/tags.ts';
import { instanceResource } from '../tags.ts';
import { checkDeletionProtection, DESTROYABLE, findInstance, requireStatus, statusDenied } from '../lifecycle.ts';

export default defineAction<{ DBInstanceId: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DestroyDBInstance',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'The isolated instance to destroy.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    checkDeletionProtection(row, 'DestroyDBInstance');
    // "Only instances in isolation (isolated) can be destroyed", and one that failed to be provisioned (offline).
    requireStatus(row, DESTROYABLE, 'DestroyDBInstance');
    const now = ctx.clock.now().toISOString();
    // Its tags go with it (the tag service no longer lists them).
    const gen = await ctx.db.transaction().execute(async (trx) => {
      const g = await changeInstance(trx, row.id, DESTROYABLE, { desired_state: 'destroyed', updated_at: now });
      if (g !== undefined) await dropResourceTags(trx, ctx.account.uin, [instanceResource(row.region, row.id)]);
      // A master's read-only instances go with it (isolated with it before).
      if (g !== undefined && !row.master_id)
        for (const ro of await readOnlyInstancesOf(trx, row.id)) {
          await changeInstance(trx, ro.id, undefined, { desired_state: 'destroyed', updated_at: now });
          await dropResourceTags(trx, ctx.account.uin, [instanceResource(ro.region, ro.id)]);
        }
      return g;
    });
    if (gen === undefined) throw statusDenied(row, 'DestroyDBInstance');
    ctx.log.info({ instance: row.id }, 'instance destroyed by request');
    ctx.wakeReconciler();
    return {};
  },
});
