// RenewInstance: a prepaid instance is renewed for Period months: one order, paid from the balance
// (vouchers allowed) in the same transaction that moves ExpireTime on.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { checkFlag, checkPeriod } from '../rules.ts';
import { chargeRenewal, instanceOf, renewalPrice, requirePrepaid } from '../prepaid.ts';
import { pickVoucher } from '../billing.ts';

interface Request {
  DBInstanceId: string;
  Period: number;
  AutoVoucher?: number;
  VoucherIds?: string[];
}

export default defineAction<Request, { DealName: string }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'RenewInstance',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID (prepaid instances only).' },
    Period: { type: 'integer', required: true, description: 'Months: 1-12, 24, 36.' },
    AutoVoucher: { type: 'integer', description: '0 or 1.' },
    VoucherIds: { type: { array: 'string' }, description: 'Voucher IDs (one at most).' },
  },
  async handle(ctx, req) {
    const row = await instanceOf(ctx, req.DBInstanceId);
    requirePrepaid(row);
    checkPeriod(req.Period, 'PREPAID');
    checkFlag(req.AutoVoucher, 'AutoVoucher');
    if (row.status !== 'running')
      throw new ApiError('OperationDenied.InstanceStatusLimitOpError', `Instance ${row.id} is ${row.status}; only a running instance can be renewed.`);
    const now = ctx.clock.now();
    const dealName = await ctx.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('instances').select(['expire_time', 'status']).where('id', '=', row.id).executeTakeFirstOrThrow();
      if (current.status !== 'running') throw new ApiError('OperationDenied.InstanceStatusLimitOpError', `Instance ${row.id} is ${current.status}; only a running instance can be renewed.`);
      const from = current.expire_time && current.expire_time > now.toISOString() ? new Date(current.expire_time) : now;
      const voucher = await pickVoucher(trx, ctx.account.uin, req, renewalPrice(row, req.Period), now);
      return chargeRenewal(trx, ctx, { row, period: req.Period, from, now, voucher });
    });
    return { DealName: dealName };
  },
});
