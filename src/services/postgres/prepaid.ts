// Lookups shared by the renewal actions: a prepaid instance of the caller in the request's region.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { getInstance, type InstanceRow } from '../../store/instances.ts';

export async function instanceOf(ctx: ActionContext, id: string): Promise<InstanceRow> {
  const row = await getInstance(ctx.db, ctx.account.uin, id);
  if (!row || row.region !== ctx.region) throw new ApiError('ResourceNotFound.InstanceNotFoundError', `The instance ${id} does not exist.`);
  return row;
}

export function requirePrepaid(row: InstanceRow): void {
  if (row.charge_type !== 'PREPAID')
    throw new ApiError('OperationDenied.PostPaidPayModeError', `Instance ${row.id} is pay-as-you-go (POSTPAID_BY_HOUR); only prepaid instances can be renewed.`);
}
