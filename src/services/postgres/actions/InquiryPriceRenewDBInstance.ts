// InquiryPriceRenewDBInstance: the price of renewing a prepaid instance for Period months.
import { defineAction } from '../../../core/action.ts';
import { CURRENCY, monthlyPrice } from '../../../core/billing/pricing.ts';
import { checkPeriod } from '../rules.ts';
import { instanceOf, requirePrepaid } from '../prepaid.ts';

export default defineAction<{ DBInstanceId: string; Period: number }, { OriginalPrice: number; Price: number; Currency: string }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'InquiryPriceRenewDBInstance',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID (prepaid instances only).' },
    Period: { type: 'integer', required: true, description: 'Months to renew.' },
  },
  async handle(ctx, req) {
    const row = await instanceOf(ctx, req.DBInstanceId);
    requirePrepaid(row);
    checkPeriod(req.Period, 'PREPAID');
    const price = monthlyPrice(row.memory_mb, row.storage_gb) * req.Period;
    return { OriginalPrice: price, Price: price, Currency: CURRENCY };
  },
});
