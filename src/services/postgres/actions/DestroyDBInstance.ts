// DestroyDBInstance: deletes an isolated instance for good. It disappears from DescribeDBInstances at
// once (desired state "destroyed"); the reconciler removes its data directory and frees its address.
import { defineAction } from '../../../core/action.ts';
import { changeInstance } from '../../../store/lifecycle.ts';
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
    const gen = await changeInstance(ctx.db, row.id, DESTROYABLE, { desired_state: 'destroyed', updated_at: now });
    if (gen === undefined) throw statusDenied(row, 'DestroyDBInstance');
    ctx.log.info({ instance: row.id }, 'instance destroyed by request');
    ctx.wakeReconciler();
    return {};
  },
});
