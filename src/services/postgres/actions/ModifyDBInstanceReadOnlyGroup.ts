// ModifyDBInstanceReadOnlyGroup: a read-only instance moves from one group of its master to another, in
// one transaction (it is never in both); the relays follow on the reconciler's next pass.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { insertTask } from '../../../store/lifecycle.ts';
import { findGroup, findReadOnlyInstance } from '../readonlyGroups.ts';

export default defineAction<{ DBInstanceId: string; ReadOnlyGroupId: string; NewReadOnlyGroupId: string }, { FlowId: number; TaskId: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDBInstanceReadOnlyGroup',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'The read-only instance.' },
    ReadOnlyGroupId: { type: 'string', required: true, description: 'The group it is in.' },
    NewReadOnlyGroupId: { type: 'string', required: true, description: 'The group it moves to.' },
  },
  async handle(ctx, req) {
    const row = await findReadOnlyInstance(ctx, req.DBInstanceId);
    const from = await findGroup(ctx, req.ReadOnlyGroupId);
    const to = await findGroup(ctx, req.NewReadOnlyGroupId);
    if (to.master_id !== row.master_id)
      throw new ApiError('FailedOperation.ROGroupMasterInstanceNotRight', `Read-only instance ${row.id} belongs to master ${row.master_id}, RO group ${to.id} to master ${to.master_id}.`);
    const now = ctx.clock.now().toISOString();
    const flowId = await ctx.db.transaction().execute(async (trx) => {
      const res = await trx.updateTable('instances').set({ ro_group_id: to.id, updated_at: now }).where('id', '=', row.id).where('ro_group_id', '=', from.id).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Read-only instance ${row.id} is not in RO group ${from.id}.`);
      await insertTask(trx, { uin: ctx.account.uin, instanceId: from.id, type: 'ModifyDBInstanceReadOnlyGroup', generation: 0, input: { DBInstanceId: row.id }, now });
      return insertTask(trx, { uin: ctx.account.uin, instanceId: to.id, type: 'ModifyDBInstanceReadOnlyGroup', generation: 0, input: { DBInstanceId: row.id }, now });
    });
    ctx.wakeReconciler();
    return { FlowId: flowId, TaskId: flowId };
  },
});
