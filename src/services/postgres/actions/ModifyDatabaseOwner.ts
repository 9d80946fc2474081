// ModifyDatabaseOwner: another account of the instance owns the database.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getDatabase, updateDatabase } from '../../../store/lifecycle.ts';
import { findInstance, requireStatus, SETTLED, refuseOnReadOnly } from '../lifecycle.ts';
import { findAccount, touchInstance } from '../accounts.ts';

export default defineAction<{ DBInstanceId: string; DatabaseName: string; DatabaseOwner: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDatabaseOwner',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    DatabaseName: { type: 'string', required: true, description: 'Database name.' },
    DatabaseOwner: { type: 'string', required: true, description: 'New owner: an account of the instance.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    refuseOnReadOnly(row, 'ModifyDatabaseOwner');
    requireStatus(row, SETTLED, 'ModifyDatabaseOwner');
    const d = await getDatabase(ctx.db, row.id, req.DatabaseName);
    if (!d || d.status === 'deleting') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `The database ${req.DatabaseName} does not exist in instance ${row.id}.`);
    const owner = await findAccount(ctx, row, req.DatabaseOwner);
    await ctx.db.transaction().execute(async (trx) => {
      await updateDatabase(trx, row.id, d.name, { owner: owner.name, status: d.status === 'creating' ? 'creating' : 'modifying', updated_at: ctx.clock.now().toISOString() });
      await touchInstance(ctx, row, 'ModifyDatabaseOwner', trx);
    });
    ctx.wakeReconciler();
    return {};
  },
});
