// Shared parts of the account and database actions: the AccountInfo model, looking an account up,
// and marking the instance so the reconciler applies the stored desired state to its server.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { formatApiTime } from '../../core/time.ts';
import type { InstanceRow } from '../../store/instances.ts';
import { changeInstance, ensureAdminAccount, getAccount, type AccountRow } from '../../store/lifecycle.ts';
import { SETTLED, statusDenied } from './lifecycle.ts';

export function accountInfo(a: AccountRow): Record<string, unknown> {
  return {
    DBInstanceId: a.instance_id,
    UserName: a.name,
    Remark: a.remark,
    // AccountInfo.Status: 1 creating, 2 normal, 3 modifying, 4 password resetting, 5 locked, -1 deleting.
    // A locked account is 5 from LockAccount on (while the lock is applied, too): the Terraform
    // provider reads lock_status as Status == 5 right after it locks.
    Status: a.locked && (a.status === 2 || a.status === 3) ? 5 : a.status,
    CreateTime: formatApiTime(a.created_at),
    UpdateTime: formatApiTime(a.updated_at),
    PasswordUpdateTime: formatApiTime(a.password_updated_at),
    UserType: a.user_type,
    OpenCam: false,
    PGRoles: a.user_type === 'tencentDBSuper' ? ['pg_tencentdb_superuser'] : [],
  };
}

/** The named account of the instance (the admin's row is made on first use), or InvalidParameterValue.AccountNotExist. */
export async function findAccount(ctx: ActionContext, row: InstanceRow, name: string): Promise<AccountRow> {
  await ensureAdminAccount(ctx.db, row);
  const a = await getAccount(ctx.db, row.id, name);
  if (!a || a.status === -1) throw new ApiError('InvalidParameterValue.AccountNotExist', `The account ${name} does not exist in instance ${row.id}.`);
  return a;
}

/** Bumps the instance's generation (only while it is settled) so the reconciler applies the change. */
export async function touchInstance(ctx: ActionContext, row: InstanceRow, action: string, db = ctx.db): Promise<void> {
  const gen = await changeInstance(db, row.id, SETTLED, {});
  if (gen === undefined) throw statusDenied(row, action);
}
