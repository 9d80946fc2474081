// DisIsolateDBInstances: brings isolated instances back ("disisolating" → "running") with their data.
// A prepaid instance whose paid time has run out (isolated at its ExpireTime) is bought again for
// `Period` months (the SDK's "purchase duration"; 1 when absent, as the provider's operation leaves it
// optional), from now, paid in the same transaction that changes its status: not enough balance and
// nothing changes. One isolated by IsolateDBInstances with time left comes back on that time.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { changeInstance } from '../../../store/lifecycle.ts';
import type { InstanceRow } from '../../../store/instances.ts';
import { PREPAID_PERIODS } from '../rules.ts';
import { chargeRenewal, renewalPrice } from '../prepaid.ts';
import { pickVoucher } from '../billing.ts';
import { findInstance, requireStatus, statusDenied } from '../lifecycle.ts';

interface Request {
  DBInstanceIdSet: string[];
  Period?: number;
  AutoVoucher?: boolean;
  VoucherIds?: string[];
}

export default defineAction<Request, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DisIsolateDBInstances',
  request: {
    DBInstanceIdSet: { type: { array: 'string' }, required: true, description: 'Instances to bring back from isolation.' },
    Period: { type: 'integer', description: 'Months of a prepaid instance: 1-12, 24, 36; ignored for postpaid.' },
    AutoVoucher: { type: 'boolean', description: 'Whether to use vouchers, default false.' },
    VoucherIds: { type: { array: 'string' }, description: 'Voucher IDs.' },
  },
  async handle(ctx, req) {
    if (req.DBInstanceIdSet.length === 0) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'DBInstanceIdSet must name at least one instance.');
    if (req.Period !== undefined && !PREPAID_PERIODS.includes(req.Period))
      throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `Period ${req.Period} is invalid; valid values: ${PREPAID_PERIODS.join(', ')}.`);
    // Every instance is checked before any is changed.
    const rows: InstanceRow[] = [];
    for (const id of new Set(req.DBInstanceIdSet)) {
      const row = await findInstance(ctx, id);
      requireStatus(row, ['isolated'], 'DisIsolateDBInstances');
      // One that was never provisioned (refunded, nothing kept) has nothing to come back to.
      if (row.failed_at)
        throw new ApiError('OperationDenied.InstanceStatusLimitOpError', `Instance ${row.id} failed to be created and was refunded; it cannot be brought back: destroy it (DestroyDBInstance) and create a new one.`);
      // A read-only instance streams from its master: it comes back with it or after it, not before.
      if (row.master_id && !req.DBInstanceIdSet.includes(row.master_id)) {
        const master = await ctx.db.selectFrom('instances').select('desired_state').where('id', '=', row.master_id).executeTakeFirst();
        if (master?.desired_state !== 'running')
          throw new ApiError('OperationDenied.InstanceStatusLimitOpError', `Read-only instance ${row.id} cannot come back while its master ${row.master_id} is isolated: disisolate the master first (or both in one call).`);
      }
      rows.push(row);
    }
    const now = ctx.clock.now();
    const nowIso = now.toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      for (const row of rows) {
        if (row.charge_type === 'PREPAID' && (!row.expire_time || row.expire_time <= nowIso)) {
          const period = req.Period ?? 1;
          const voucher = await pickVoucher(trx, ctx.account.uin, req, renewalPrice(row, period), now);
          await chargeRenewal(trx, ctx, { row, period, from: now, now, voucher });
        }
        const gen = await changeInstance(trx, row.id, ['isolated'], { desired_state: 'running', status: 'disisolating', isolated_time: null, updated_at: nowIso });
        if (gen === undefined) throw statusDenied(row, 'DisIsolateDBInstances');
      }
    });
    ctx.log.info({ instances: rows.map((r) => r.id) }, 'instances disisolating');
    ctx.wakeReconciler();
    return {};
  },
});
