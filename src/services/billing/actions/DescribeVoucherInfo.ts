// DescribeVoucherInfo (billing 2018-07-09): the caller's vouchers. Amounts in micro (1 cent = 1,000,000),
// as the real API reports them; Offset is a page number starting at 1.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { formatApiTime } from '../../../core/time.ts';
import { voucherStatus } from '../../../core/billing/vouchers.ts';
import { listVouchers } from '../../../store/billing.ts';

const MICRO = 1_000_000;

interface Request {
  Limit: number;
  Offset: number;
  Status?: string;
  VoucherId?: string;
  SortField?: string;
  SortOrder?: string;
  [k: string]: unknown;
}

const optional = (d: string) => ({ type: 'string' as const, description: d });

export default defineAction<Request, Record<string, unknown>>({
  service: 'billing',
  version: '2018-07-09',
  name: 'DescribeVoucherInfo',
  regionRequired: false,
  request: {
    Limit: { type: 'integer', required: true, description: 'Page size, at most 1000.' },
    Offset: { type: 'integer', required: true, description: 'Page number, from 1.' },
    Status: optional('unUsed, used, delivered, cancel or overdue.'),
    VoucherId: optional('Voucher ID.'),
    CodeId: optional('Voucher order ID (not used by pgcloud).'),
    ProductCode: optional('Product code (not used by pgcloud).'),
    ActivityId: optional('Activity ID (not used by pgcloud).'),
    VoucherName: optional('Voucher name (not used by pgcloud).'),
    TimeFrom: optional('Issued from (not used by pgcloud).'),
    TimeTo: optional('Issued until (not used by pgcloud).'),
    SortField: optional('BeginTime, EndTime or CreateTime.'),
    SortOrder: optional('desc or asc.'),
    PayMode: optional('Pay mode (not used by pgcloud).'),
    PayScene: optional('Pay scene (not used by pgcloud).'),
    Operator: optional('Operator (not used by pgcloud).'),
    VoucherMainType: optional('Voucher main type (not used by pgcloud).'),
    VoucherSubType: optional('Voucher sub type (not used by pgcloud).'),
    StartTimeFrom: optional('Not used by pgcloud.'),
    StartTimeTo: optional('Not used by pgcloud.'),
    EndTimeFrom: optional('Not used by pgcloud.'),
    EndTimeTo: optional('Not used by pgcloud.'),
    CreateTimeFrom: optional('Not used by pgcloud.'),
    CreateTimeTo: optional('Not used by pgcloud.'),
    Lang: optional('zh (default) or en.'),
  },
  async handle(ctx, req) {
    if (req.Limit < 1 || req.Limit > 1000) throw new ApiError('InvalidParameterValue', `Limit must be between 1 and 1000 (got ${req.Limit}).`);
    if (req.Offset < 1) throw new ApiError('InvalidParameterValue', `Offset is a page number from 1 (got ${req.Offset}).`);
    const now = ctx.clock.now();
    const rows = (await listVouchers(ctx.db, ctx.account.uin)).map((v) => {
      const voucher = { id: v.id, uin: v.uin, nominal: Number(v.nominal), balance: Number(v.balance), beginTime: v.begin_time, endTime: v.end_time };
      const status = voucherStatus(voucher, now);
      return { v, status: status === 'pending' ? 'delivered' : status };
    });
    let list = rows.filter((r) => (!req.Status || r.status === req.Status) && (!req.VoucherId || r.v.id === req.VoucherId));
    const field = req.SortField === 'BeginTime' ? 'begin_time' : req.SortField === 'EndTime' ? 'end_time' : 'created_at';
    list.sort((a, b) => a.v[field].localeCompare(b.v[field]) || a.v.id.localeCompare(b.v.id));
    if (req.SortOrder === 'desc') list.reverse();
    const total = list.length;
    const totalBalance = list.filter((r) => r.status === 'unUsed').reduce((s, r) => s + Number(r.v.balance), 0) * MICRO;
    list = list.slice((req.Offset - 1) * req.Limit, req.Offset * req.Limit);
    return {
      TotalCount: total,
      TotalBalance: totalBalance,
      Unit: 'micro',
      VoucherInfos: list.map(({ v, status }) => ({
        OwnerUin: v.uin,
        Status: status,
        NominalValue: Number(v.nominal) * MICRO,
        Balance: Number(v.balance) * MICRO,
        VoucherId: v.id,
        PayMode: 'prePay',
        PayScene: 'purchase,renew',
        BeginTime: formatApiTime(v.begin_time),
        EndTime: formatApiTime(v.end_time),
        ApplicableProducts: { GoodsName: 'TencentDB for PostgreSQL', PayMode: 'prePay' },
        ExcludedProducts: [],
        PolicyRemark: v.remark,
        CreateTime: formatApiTime(v.created_at),
      })),
    };
  },
});
