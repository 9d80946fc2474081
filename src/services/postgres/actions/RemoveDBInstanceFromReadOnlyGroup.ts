// RemoveDBInstanceFromReadOnlyGroup: the read-only instance leaves the group's spread (new connections
// to the group's address stop going to it from the reconciler's next pass; open ones stay).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { insertTask } from '../../../store/lifecycle.ts';
import { findGroup, findReadOnlyInstance } from '../readonlyGroups.ts';

export default defineAction<{ DBInstanceId: string; ReadOnlyGroupId: string }, { FlowId: number; TaskId: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'RemoveDBInstanceFromReadOnlyGroup',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'The read-only instance.' },
    ReadOnlyGroupId: { type: 'string', required: true, description: 'The read-only group.' },
  },
  async handle(ctx, req) {
    const row = await findReadOnlyInstance(ctx, req.DBInstanceId);
    const g = await findGroup(ctx, req.ReadOnlyGroupId);
    const now = ctx.clock.now().toISOString();
    const flowId = await ctx.db.transaction().execute(async (trx) => {
      const res = await trx.updateTable('instances').set({ ro_group_id: null, updated_at: now }).where('id', '=', row.id).where('ro_group_id', '=', g.id).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Read-only instance ${row.id} is not in RO group ${g.id}.`);
      return insertTask(trx, { uin: ctx.account.uin, instanceId: g.id, type: 'RemoveDBInstanceFromReadOnlyGroup', generation: 0, input: { DBInstanceId: row.id }, now });
    });
    ctx.wakeReconciler();
    return { FlowId: flowId, TaskId: flowId };
  },
});
