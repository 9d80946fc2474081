// ModifyAccountRemark: metadata only; the server is not touched.
import { defineAction } from '../../../core/action.ts';
import { updateAccount } from '../../../store/lifecycle.ts';
import { checkRemark, findInstance, refuseOnReadOnly } from '../lifecycle.ts';
import { findAccount } from '../accounts.ts';

export default defineAction<{ DBInstanceId: string; UserName: string; Remark: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyAccountRemark',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    UserName: { type: 'string', required: true, description: 'Account name.' },
    Remark: { type: 'string', required: true, description: 'New remark, at most 60 characters.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    refuseOnReadOnly(row, 'ModifyAccountRemark');
    const account = await findAccount(ctx, row, req.UserName);
    checkRemark(req.Remark);
    await updateAccount(ctx.db, row.id, account.name, { remark: req.Remark, updated_at: ctx.clock.now().toISOString() }, false);
    return {};
  },
});
