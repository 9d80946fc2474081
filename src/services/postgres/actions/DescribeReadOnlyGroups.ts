// DescribeReadOnlyGroups: a master's read-only groups (the db-master-instance-id filter is required),
// with their members and address, paged by PageSize/PageNumber.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { groupView } from '../readonlyGroups.ts';

interface Request {
  Filters?: Array<{ Name?: string; Values?: string[] }>;
  PageSize?: number;
  PageNumber?: number;
  OrderBy?: string;
  OrderByType?: string;
}

const ORDER: Record<string, 'id' | 'created_at' | 'name'> = { ROGroupId: 'id', CreateTime: 'created_at', Name: 'name' };

export default defineAction<Request, { ReadOnlyGroupList: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeReadOnlyGroups',
  request: {
    Filters: {
      type: { array: { object: { Name: { type: 'string', description: 'Filter name.' }, Values: { type: { array: 'string' }, description: 'Filter values.' } } } },
      description: 'db-master-instance-id (required), read-only-group-id.',
    },
    PageSize: { type: 'integer', description: 'Page size, default 10, at most 99.' },
    PageNumber: { type: 'integer', description: 'Page number, from 1 (default).' },
    OrderBy: { type: 'string', description: 'ROGroupId, CreateTime (default) or Name.' },
    OrderByType: { type: 'string', description: 'asc (default) or desc.' },
  },
  async handle(ctx, req) {
    const filters = req.Filters ?? [];
    for (const f of filters)
      if (f.Name !== 'db-master-instance-id' && f.Name !== 'read-only-group-id')
        throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Filter "${f.Name ?? ''}" is not supported; valid names: db-master-instance-id, read-only-group-id.`);
    const masters = filters.filter((f) => f.Name === 'db-master-instance-id').flatMap((f) => f.Values ?? []);
    if (!masters.length) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'Filters must include db-master-instance-id.');
    const groupIds = filters.filter((f) => f.Name === 'read-only-group-id').flatMap((f) => f.Values ?? []);
    const size = req.PageSize ?? 10;
    const page = req.PageNumber ?? 1;
    if (!Number.isInteger(size) || size < 1 || size > 99) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `PageSize must be between 1 and 99 (got ${req.PageSize}).`);
    if (!Number.isInteger(page) || page < 1) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `PageNumber must be 1 or more (got ${req.PageNumber}).`);
    const orderBy = ORDER[req.OrderBy ?? 'CreateTime'];
    if (!orderBy) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderBy "${req.OrderBy}" is invalid; valid values: ROGroupId, CreateTime, Name.`);
    const dir = (req.OrderByType ?? 'asc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderByType "${req.OrderByType}" is invalid; valid values: asc, desc.`);
    let q = ctx.db.selectFrom('readonly_groups').selectAll().where('uin', '=', ctx.account.uin).where('region', '=', ctx.region).where('master_id', 'in', masters).where('status', '!=', 'deleting');
    if (groupIds.length) q = q.where('id', 'in', groupIds);
    const rows = await q.orderBy(orderBy, dir).orderBy('id', dir).limit(size).offset((page - 1) * size).execute();
    const zones = new Map((await ctx.db.selectFrom('instances').select(['id', 'zone']).where('id', 'in', masters).execute()).map((r) => [r.id, r.zone]));
    const list = [];
    for (const g of rows) list.push(await groupView(ctx, g, zones.get(g.master_id) ?? ''));
    return { ReadOnlyGroupList: list };
  },
});
