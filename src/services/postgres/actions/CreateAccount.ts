// CreateAccount: records the account (status 1, creating) with the SCRAM verifier of its password;
// the reconciler creates the role on the server and sets status 2.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { scramVerifier } from '../../../core/scram.ts';
import { ensureAdminAccount, insertAccount, listAccounts } from '../../../store/lifecycle.ts';
import { checkPassword } from '../rules.ts';
import { checkRemark, checkUserName, findInstance, requireStatus, SETTLED, refuseOnReadOnly } from '../lifecycle.ts';
import { touchInstance } from '../accounts.ts';

interface Request {
  DBInstanceId: string;
  UserName: string;
  Type: string;
  Password?: string;
  Remark?: string;
  OpenCam?: boolean;
}

export default defineAction<Request, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'CreateAccount',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    UserName: { type: 'string', required: true, description: 'Account name: letters, digits, "_"; a letter or "_" first; at most 63.' },
    Type: { type: 'string', required: true, description: 'normal or tencentDBSuper.' },
    Password: { type: 'string', description: 'Password, 8-32 characters of four classes.' },
    Remark: { type: 'string', description: 'Remark, at most 60 characters.' },
    OpenCam: { type: 'boolean', description: 'CAM authentication.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    refuseOnReadOnly(row, 'CreateAccount');
    requireStatus(row, SETTLED, 'CreateAccount');
    checkUserName(req.UserName);
    if (req.Type !== 'normal' && req.Type !== 'tencentDBSuper')
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Type "${req.Type}" is invalid; valid values: normal, tencentDBSuper.`);
    if (req.OpenCam) throw new ApiError('UnsupportedOperation', 'CAM authentication (OpenCam) is not supported by pgcloud yet.');
    if (req.Password === undefined) throw new ApiError('MissingParameter', 'Password is required when OpenCam is not set.');
    checkPassword(req.Password, 'Password');
    const remark = req.Remark ?? '';
    checkRemark(remark);
    const verifier = scramVerifier(req.Password);
    const now = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      await ensureAdminAccount(trx, row);
      const existing = await listAccounts(trx, row.id);
      if (existing.some((a) => a.name.toLowerCase() === req.UserName.toLowerCase()))
        throw new ApiError('InvalidParameterValue.AccountExist', `The account ${req.UserName} already exists in instance ${row.id}.`);
      await insertAccount(trx, {
        instance_id: row.id, name: req.UserName, user_type: req.Type, remark, status: 1, verifier, locked: 0,
        created_at: now, updated_at: now, password_updated_at: now,
      });
      await touchInstance(ctx, row, 'CreateAccount', trx);
    });
    ctx.log.info({ instance: row.id, account: req.UserName, type: req.Type }, 'account creating');
    ctx.wakeReconciler();
    return {};
  },
});
