// DescribeDBInstances: the account's instances in the request's region, filtered (Filters AND-ed,
// Values OR-ed), ordered and paged as the reference describes.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import type { InstanceRow } from '../../../store/instances.ts';
import { dbInstanceView } from '../instanceView.ts';
import { readOnlyCounts } from '../../../store/readonly.ts';
import { instanceTags } from '../tags.ts';
import type { TagPair } from '../../../core/tags.ts';
import { pageOf } from '../paging.ts';

interface Request {
  Filters?: Array<{ Name?: string; Values?: string[] }>;
  Limit?: number;
  Offset?: number;
  OrderBy?: string;
  OrderByType?: string;
}

// The row and the instance's tags (TagList, from the store's resource tags).
type Candidate = { row: InstanceRow; tags: TagPair[] };

const FILTERS: Record<string, (c: Candidate, value: string) => boolean> = {
  'db-instance-id': ({ row: r }, v) => r.id === v,
  'db-instance-name': ({ row: r }, v) => r.name.includes(v),
  'db-project-id': ({ row: r }, v) => String(r.project_id) === v.trim(),
  'db-pay-mode': ({ row: r }, v) => (r.charge_type === 'PREPAID' ? 'prepaid' : 'postpaid') === v,
  'db-tag-key': ({ tags }, v) => tags.some((t) => t.TagKey === v),
  'db-private-ip': ({ row: r }, v) => r.host === v || r.vpc_ip === v, // connectable (loopback) or VPC address
  'db-public-address': () => false, // no instance has a public address yet
  'db-dedicated-cluster-id': () => false, // no CDC
};

const ORDER_COLUMNS: Record<string, (r: InstanceRow) => string> = {
  DBInstanceId: (r) => r.id,
  CreateTime: (r) => r.created_at,
  Name: (r) => r.name,
  EndTime: (r) => r.expire_time ?? '',
};

export default defineAction<Request, { TotalCount: number; DBInstanceSet: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDBInstances',
  request: {
    Filters: {
      type: { array: { object: { Name: { type: 'string', description: 'Filter name.' }, Values: { type: { array: 'string' }, description: 'Filter values.' } } } },
      description: 'db-instance-id, db-instance-name, db-project-id, db-pay-mode, db-tag-key, db-private-ip, db-public-address, db-dedicated-cluster-id.',
    },
    Limit: { type: 'integer', description: 'Page size, 1-100 (0 means the default 10).' },
    Offset: { type: 'integer', description: 'Offset, from 0.' },
    OrderBy: { type: 'string', description: 'DBInstanceId, CreateTime (default), Name or EndTime.' },
    OrderByType: { type: 'string', description: 'asc (default) or desc.' },
  },
  async handle(ctx, req) {
    const { limit, offset } = pageOf(req, { default: 10, max: 100, zeroIsDefault: true });
    const orderBy = req.OrderBy ?? 'CreateTime';
    const key = ORDER_COLUMNS[orderBy];
    if (!key) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderBy "${orderBy}" is invalid; valid values: ${Object.keys(ORDER_COLUMNS).join(', ')}.`);
    const direction = (req.OrderByType ?? 'asc').toLowerCase();
    if (direction !== 'asc' && direction !== 'desc') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderByType "${req.OrderByType}" is invalid; valid values: asc, desc.`);
    const filters = (req.Filters ?? []).map((f) => {
      const test = f.Name ? FILTERS[f.Name] : undefined;
      if (!test) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Filter "${f.Name ?? ''}" is not supported; valid names: ${Object.keys(FILTERS).join(', ')}.`);
      return { test, values: f.Values ?? [] };
    });

    const rows = await ctx.db
      .selectFrom('instances')
      .selectAll()
      .where('uin', '=', ctx.account.uin)
      .where('region', '=', ctx.region)
      .where('desired_state', '!=', 'destroyed')
      .execute();
    const tags = await instanceTags(ctx.db, ctx.account.uin, ctx.region, rows.map((r) => r.id));
    const candidates = rows.map((row) => ({ row, tags: tags.get(row.id) ?? [] }));
    const matched = candidates.filter((c) => filters.every((f) => f.values.some((v) => f.test(c, v))));
    matched.sort(({ row: a }, { row: b }) => {
      const c = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : 1;
      return direction === 'asc' ? c : -c;
    });
    const page = matched.slice(offset, offset + limit);
    const ro = await readOnlyCounts(ctx.db, page.map((c) => c.row.id));
    return { TotalCount: matched.length, DBInstanceSet: page.map((c) => dbInstanceView(c.row, ctx.account, c.tags, ro.get(c.row.id) ?? 0)) };
  },
});
