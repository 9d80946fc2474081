// DescribeDBInstanceAttribute: one instance of the caller's, with the full DBInstance model.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getInstance } from '../../../store/instances.ts';
import { dbInstanceView } from '../instanceView.ts';
import { readOnlyCounts } from '../../../store/readonly.ts';
import { instanceTags } from '../tags.ts';

export default defineAction<{ DBInstanceId: string }, { DBInstance: Record<string, unknown> }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDBInstanceAttribute',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID, e.g. postgres-6fego161.' },
  },
  async handle(ctx, req) {
    const row = await getInstance(ctx.db, ctx.account.uin, req.DBInstanceId);
    if (!row || row.region !== ctx.region) throw new ApiError('ResourceNotFound.InstanceNotFoundError', `The instance ${req.DBInstanceId} does not exist.`);
    const tags = await instanceTags(ctx.db, ctx.account.uin, row.region, [row.id]);
    const ro = await readOnlyCounts(ctx.db, [row.id]);
    return { DBInstance: dbInstanceView(row, ctx.account, tags.get(row.id) ?? [], ro.get(row.id) ?? 0) };
  },
});
