// DeleteAccount: status -1 (deleting); the reconciler hands the account's objects to the admin
// account and drops the role. The admin account itself cannot be deleted.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { updateAccount } from '../../../store/lifecycle.ts';
import { findInstance, requireStatus, SETTLED, refuseOnReadOnly } from '../lifecycle.ts';
import { findAccount, touchInstance } from '../accounts.ts';

export default defineAction<{ DBInstanceId: string; UserName: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DeleteAccount',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    UserName: { type: 'string', required: true, description: 'Account to delete.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    refuseOnReadOnly(row, 'DeleteAccount');
    requireStatus(row, SETTLED, 'DeleteAccount');
    const account = await findAccount(ctx, row, req.UserName);
    if (account.name === row.admin_name)
      throw new ApiError('OperationDenied.InstanceAccessDeniedError', `${account.name} is the admin account of instance ${row.id} and cannot be deleted.`);
    const now = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      await updateAccount(trx, row.id, account.name, { status: -1, updated_at: now }, true);
      // Its databases go to the admin account, as the server's REASSIGN OWNED will do.
      await trx.updateTable('instance_databases').set({ owner: row.admin_name, updated_at: now }).where('instance_id', '=', row.id).where('owner', '=', account.name).execute();
      await touchInstance(ctx, row, 'DeleteAccount', trx);
    });
    ctx.wakeReconciler();
    return {};
  },
});
