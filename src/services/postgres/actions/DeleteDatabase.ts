// DeleteDatabase: marked deleting; the reconciler ends its sessions and drops it.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getDatabase, updateDatabase } from '../../../store/lifecycle.ts';
import { findInstance, requireStatus, SETTLED, refuseOnReadOnly } from '../lifecycle.ts';
import { touchInstance } from '../accounts.ts';

export default defineAction<{ DBInstanceId: string; DatabaseName: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DeleteDatabase',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    DatabaseName: { type: 'string', required: true, description: 'Database to delete.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    refuseOnReadOnly(row, 'DeleteDatabase');
    requireStatus(row, SETTLED, 'DeleteDatabase');
    const d = await getDatabase(ctx.db, row.id, req.DatabaseName);
    if (!d || d.status === 'deleting') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `The database ${req.DatabaseName} does not exist in instance ${row.id}.`);
    await ctx.db.transaction().execute(async (trx) => {
      await updateDatabase(trx, row.id, d.name, { status: 'deleting', updated_at: ctx.clock.now().toISOString() });
      await touchInstance(ctx, row, 'DeleteDatabase', trx);
    });
    ctx.wakeReconciler();
    return {};
  },
});
