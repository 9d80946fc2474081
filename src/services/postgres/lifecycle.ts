// Shared rules of the actions that act on an existing instance: finding it, the statuses each kind
// of operation is allowed in, deletion protection, and the checks of account and database fields.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { getInstance, type InstanceRow } from '../../store/instances.ts';

/** Statuses of an instance that is up with nothing else in progress: where changes are accepted. */
export const SETTLED = ['running', 'readonly'] as const;
/** Statuses an instance can be isolated from (TencentDB also isolates "limited run" instances). */
export const ISOLATABLE = ['running', 'readonly', 'limited run'] as const;
/**
 * An instance whose provisioning was given up ("offline": refunded, nothing of it left on the host)
 * can still be removed the usual way, isolate then destroy (as Terraform and `pgcloud destroy` do), or
 * destroyed at once. Inferred: the vendor documents neither; a client must be able to get rid of it.
 */
export const ISOLATABLE_OR_FAILED = [...ISOLATABLE, 'offline'] as const;
export const DESTROYABLE = ['isolated', 'offline'] as const;

/**
 * Deletion protection refuses isolate and destroy. The real code is undocumented (reference §10, open
 * question 6). Not OperationDenied.InstanceStatusLimitOpError: Terraform retries on that code, so a
 * protected instance would make `terraform destroy` wait for its whole timeout instead of failing at
 * once. A dedicated sub-code of OperationDenied (the category the real service uses for refused
 * operations, named like its siblings ...StatusLimitOpError, ...CamDeniedError) is matched by clients
 * that check the prefix and tells the user exactly what to change.
 */
export const DELETION_PROTECTION_CODE = 'OperationDenied.DeletionProtectionError';

/** The caller's instance in the request's region, or ResourceNotFound.InstanceNotFoundError. */
export async function findInstance(ctx: ActionContext, id: string): Promise<InstanceRow> {
  const row = id ? await getInstance(ctx.db, ctx.account.uin, id) : undefined;
  if (!row || row.region !== ctx.region) throw new ApiError('ResourceNotFound.InstanceNotFoundError', `The instance ${id} does not exist.`);
  return row;
}

export function statusDenied(row: InstanceRow, action: string): ApiError {
  return new ApiError('OperationDenied.InstanceStatusLimitOpError', `${action} is not allowed while instance ${row.id} is ${row.status}.`);
}

export function requireStatus(row: InstanceRow, allowed: readonly string[], action: string): void {
  if (!allowed.includes(row.status)) throw statusDenied(row, action);
}

export function checkDeletionProtection(row: InstanceRow, action: string): void {
  if (row.deletion_protection === 1)
    throw new ApiError(DELETION_PROTECTION_CODE, `${action} is refused: instance ${row.id} has deletion protection enabled; disable it with ModifyDBInstanceDeletionProtection first.`);
}

/** CreateAccount UserName: letters, digits, underscores; a letter or "_" first; at most 63; not postgres, pg_*, tencentdb_*. */
export function checkUserName(name: string): void {
  const lower = name.toLowerCase();
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name) || lower === 'postgres' || lower.startsWith('pg_') || lower.startsWith('tencentdb_') || RESERVED.has(lower))
    throw new ApiError(
      'InvalidParameterValue.InvalidAccountNameError',
      `The UserName "${name}" is invalid: it must be at most 63 letters, digits or underscores, start with a letter or "_", and cannot be postgres, a reserved word, or start with pg_ or tencentdb_.`,
    );
}

const RESERVED = new Set(['public', 'all', 'user', 'current_user', 'session_user', 'none', 'role', 'select', 'table', 'grant']);

/** Account remarks: at most 60 letters, digits, "_", "-" and Chinese characters. */
export function checkRemark(remark: string): void {
  if ([...remark].length > 60 || !/^[\p{Script=Han}A-Za-z0-9_-]*$/u.test(remark))
    throw new ApiError('InvalidParameterValue.ParameterCharacterLimitError', 'A Remark may have at most 60 letters, digits, "_", "-" and Chinese characters.');
}

/** Database names: 1-63 letters, digits, underscores, not starting with a digit; not a system database. */
export function checkDatabaseName(name: string, field = 'DatabaseName'): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name) || ['postgres', 'template0', 'template1'].includes(name.toLowerCase()))
    throw new ApiError(
      'InvalidParameterValue.InvalidParameterValueError',
      `The ${field} "${name}" is invalid: it must be 1-63 letters, digits or underscores, not start with a digit, and not be postgres, template0 or template1.`,
    );
}

/**
 * Accounts and databases are the master's: a read-only instance has them by replication and cannot
 * take a change of its own (its server is a standby). The real code is undocumented; the parameter is
 * what is wrong, so the generic invalid-value code, naming the master to use.
 */
export function refuseOnReadOnly(row: InstanceRow, action: string): void {
  if (row.master_id)
    throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `${action} is not possible on read-only instance ${row.id}: it has its master's accounts and databases; call it on ${row.master_id}.`);
}
