// SetAutoRenewFlag: 0 renew by hand, 1 renew automatically at ExpireTime, 2 do not renew. Prepaid only.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { instanceOf, requirePrepaid } from '../prepaid.ts';

export default defineAction<{ DBInstanceIdSet: string[]; AutoRenewFlag: number }, { Count: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'SetAutoRenewFlag',
  request: {
    DBInstanceIdSet: { type: { array: 'string' }, required: true, description: 'Instance IDs (prepaid only).' },
    AutoRenewFlag: { type: 'integer', required: true, description: '0 normal renewal, 1 auto renewal, 2 no renewal at expiry.' },
  },
  async handle(ctx, req) {
    if (![0, 1, 2].includes(req.AutoRenewFlag)) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `AutoRenewFlag must be 0, 1 or 2 (got ${req.AutoRenewFlag}).`);
    if (req.DBInstanceIdSet.length === 0) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'DBInstanceIdSet must name at least one instance.');
    const ids = [...new Set(req.DBInstanceIdSet)];
    for (const id of ids) requirePrepaid(await instanceOf(ctx, id));
    const res = await ctx.db
      .updateTable('instances')
      .set({ auto_renew: req.AutoRenewFlag, updated_at: ctx.clock.now().toISOString() })
      .where('uin', '=', ctx.account.uin)
      .where('id', 'in', ids)
      .executeTakeFirst();
    return { Count: Number(res.numUpdatedRows) };
  },
});
