// RestartDBInstance: a real restart of the instance's server ("restarting" → "running"), as a task.
import { defineAction } from '../../../core/action.ts';
import { changeInstance, insertTask } from '../../../store/lifecycle.ts';
import { findInstance, requireStatus, SETTLED, statusDenied } from '../lifecycle.ts';

export default defineAction<{ DBInstanceId: string }, { FlowId: number; TaskId: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'RestartDBInstance',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID, e.g. postgres-6r233v55.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    requireStatus(row, SETTLED, 'RestartDBInstance');
    const now = ctx.clock.now().toISOString();
    const taskId = await ctx.db.transaction().execute(async (trx) => {
      const gen = await changeInstance(trx, row.id, SETTLED, { status: 'restarting', restart_pending: 1, updated_at: now });
      if (gen === undefined) throw statusDenied(row, 'RestartDBInstance');
      return insertTask(trx, { uin: ctx.account.uin, instanceId: row.id, type: 'RestartDBInstance', generation: gen, input: { DBInstanceId: row.id }, now });
    });
    ctx.wakeReconciler();
    return { FlowId: taskId, TaskId: taskId };
  },
});
