// RenewInstance: a prepaid instance is renewed for Period months: one order, paid from the balance
// (vouchers allowed) in the same transaction that moves ExpireTime on.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { newBillId } from '../../../core/ids.ts';
import { CURRENCY, monthlyPrice } from '../../../core/billing/pricing.ts';
import { addMonths } from '../../../core/billing/period.ts';
import { nextDealNames, nextFlowId } from '../../../store/instances.ts';
import { checkFlag, checkPeriod } from '../rules.ts';
import { instanceOf, requirePrepaid } from '../prepaid.ts';
import { chargeOrders, pickVoucher } from '../billing.ts';

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
    const amount = monthlyPrice(row.memory_mb, row.storage_gb) * req.Period;
    const billId = newBillId(now);
    const dealName = await ctx.db.transaction().execute(async (trx) => {
      const [dealName] = await nextDealNames(trx, now, 1);
      const current = await trx.selectFrom('instances').select(['expire_time', 'status']).where('id', '=', row.id).executeTakeFirstOrThrow();
      if (current.status !== 'running') throw new ApiError('OperationDenied.InstanceStatusLimitOpError', `Instance ${row.id} is ${current.status}; only a running instance can be renewed.`);
      const from = current.expire_time && current.expire_time > now.toISOString() ? new Date(current.expire_time) : now;
      await trx.updateTable('instances').set({ expire_time: addMonths(from, req.Period).toISOString(), updated_at: now.toISOString() }).where('id', '=', row.id).execute();
      await trx.insertInto('orders').values({
        deal_name: dealName!, uin: ctx.account.uin, bill_id: billId, pay_mode: 1, count: 1, instance_ids: JSON.stringify([row.id]), amount, currency: CURRENCY,
        action: 'renew', flow_id: await nextFlowId(trx), created_at: now.toISOString(),
      }).execute();
      const voucher = await pickVoucher(trx, ctx.account.uin, req, amount, now);
      await chargeOrders(trx, { uin: ctx.account.uin, initialBalance: ctx.config.initialBalance, orders: [{ dealName: dealName!, instanceId: row.id, amount }], voucher, billId, now, what: `renewal of ${req.Period} month(s) of` });
      return dealName!;
    });
    return { DealName: dealName };
  },
});
