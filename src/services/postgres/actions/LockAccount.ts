// LockAccount: the account becomes NOLOGIN: it can no longer log in and its sessions are ended (status 3, modifying, until the reconciler applied it).
import { defineAction } from '../../../core/action.ts';
import { updateAccount } from '../../../store/lifecycle.ts';
import { findInstance, requireStatus, SETTLED, refuseOnReadOnly } from '../lifecycle.ts';
import { findAccount, touchInstance } from '../accounts.ts';

export default defineAction<{ DBInstanceId: string; UserName: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'LockAccount',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    UserName: { type: 'string', required: true, description: 'Account name.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    refuseOnReadOnly(row, 'LockAccount');
    requireStatus(row, SETTLED, 'LockAccount');
    const account = await findAccount(ctx, row, req.UserName);
    const now = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      await updateAccount(trx, row.id, account.name, { locked: 1, status: account.status === 1 ? 1 : 3, updated_at: now }, true);
      await touchInstance(ctx, row, 'LockAccount', trx);
    });
    ctx.wakeReconciler();
    return {};
  },
});
