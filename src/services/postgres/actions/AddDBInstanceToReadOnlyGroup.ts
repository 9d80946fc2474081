// AddDBInstanceToReadOnlyGroup: a read-only instance of the group's master joins the group's spread
// (new connections to the group's address may go to it from the reconciler's next pass).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { insertTask } from '../../../store/lifecycle.ts';
import { findGroup, findReadOnlyInstance } from '../readonlyGroups.ts';

export default defineAction<{ DBInstanceId: string; ReadOnlyGroupId: string }, { FlowId: number; TaskId: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'AddDBInstanceToReadOnlyGroup',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'The read-only instance.' },
    ReadOnlyGroupId: { type: 'string', required: true, description: 'The read-only group.' },
  },
  async handle(ctx, req) {
    const row = await findReadOnlyInstance(ctx, req.DBInstanceId);
    const g = await findGroup(ctx, req.ReadOnlyGroupId);
    if (row.master_id !== g.master_id)
      throw new ApiError('FailedOperation.ROGroupMasterInstanceNotRight', `Read-only instance ${row.id} belongs to master ${row.master_id}, RO group ${g.id} to master ${g.master_id}.`);
    const now = ctx.clock.now().toISOString();
    const flowId = await ctx.db.transaction().execute(async (trx) => {
      const res = await trx.updateTable('instances').set({ ro_group_id: g.id, updated_at: now }).where('id', '=', row.id).where('ro_group_id', 'is', null).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new ApiError('FailedOperation.ROInstanceHasInROGroupError', `Read-only instance ${row.id} is already in RO group ${row.ro_group_id ?? '(another)'}; remove it from there first.`);
      return insertTask(trx, { uin: ctx.account.uin, instanceId: g.id, type: 'AddDBInstanceToReadOnlyGroup', generation: 0, input: { DBInstanceId: row.id }, now });
    });
    ctx.wakeReconciler();
    return { FlowId: flowId, TaskId: flowId };
  },
});
