// ResetAccountPassword: the new password's SCRAM verifier is computed here and stored (status 4,
// resetting); the reconciler sets it on the role. The password never reaches PostgreSQL or the store.
import { defineAction } from '../../../core/action.ts';
import { scramVerifier } from '../../../core/scram.ts';
import { updateAccount } from '../../../store/lifecycle.ts';
import { checkPassword } from '../rules.ts';
import { findInstance, requireStatus, SETTLED, refuseOnReadOnly } from '../lifecycle.ts';
import { findAccount, touchInstance } from '../accounts.ts';

export default defineAction<{ DBInstanceId: string; UserName: string; Password: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ResetAccountPassword',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    UserName: { type: 'string', required: true, description: 'Account name.' },
    Password: { type: 'string', required: true, description: 'New password, 8-32 characters of four classes.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    refuseOnReadOnly(row, 'ResetAccountPassword');
    requireStatus(row, SETTLED, 'ResetAccountPassword');
    const account = await findAccount(ctx, row, req.UserName);
    checkPassword(req.Password, 'Password');
    const verifier = scramVerifier(req.Password);
    const now = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      await updateAccount(trx, row.id, account.name, { verifier, status: account.status === 1 ? 1 : 4, updated_at: now, password_updated_at: now }, true);
      await touchInstance(ctx, row, 'ResetAccountPassword', trx);
    });
    ctx.wakeReconciler();
    return {};
  },
});
