// DescribeOrders: orders by DealName. An order exists the moment CreateInstances returns.
import { defineAction } from '../../../core/action.ts';
import { ordersByDealNames } from '../../../store/instances.ts';

export default defineAction<{ DealNames: string[] }, { TotalCount: number; Deals: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeOrders',
  request: {
    DealNames: { type: { array: 'string' }, required: true, description: 'Order names.' },
  },
  async handle(ctx, req) {
    const rows = await ordersByDealNames(ctx.db, ctx.account.uin, req.DealNames);
    const order = new Map(req.DealNames.map((d, i) => [d, i]));
    rows.sort((a, b) => (order.get(a.deal_name) ?? 0) - (order.get(b.deal_name) ?? 0));
    return {
      TotalCount: rows.length,
      Deals: rows.map((r) => ({
        DealName: r.deal_name,
        OwnerUin: r.uin,
        Count: r.count,
        PayMode: r.pay_mode,
        FlowId: Number(r.flow_id),
        DBInstanceIdSet: JSON.parse(r.instance_ids) as string[],
      })),
    };
  },
});
