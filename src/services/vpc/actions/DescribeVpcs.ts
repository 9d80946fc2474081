// DescribeVpcs: the account's VPCs in the region (the default VPC made by CreateInstances included).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { ensureRegionDefaults, applyFilters, FILTERS_FIELD, isTrue, notFound, PAGING, paging, VERSION, vpcView, type Filter } from '../common.ts';
import { tagsOf } from '../tags.ts';

interface Request {
  VpcIds?: string[];
  Filters?: Filter[];
  Offset?: string;
  Limit?: string;
}

export default defineAction<Request, { TotalCount: number; VpcSet: Record<string, unknown>[] }>({
  service: 'vpc',
  version: VERSION,
  name: 'DescribeVpcs',
  request: { VpcIds: { type: { array: 'string' }, description: 'VPC IDs, at most 100.' }, Filters: FILTERS_FIELD, ...PAGING },
  async handle(ctx, req) {
    if (req.VpcIds?.length && req.Filters?.length) throw new ApiError('InvalidParameter.Coexist', 'VpcIds and Filters cannot be given together.');
    if ((req.VpcIds?.length ?? 0) > 100) throw new ApiError('InvalidParameterValue.Range', 'At most 100 VpcIds.');
    const { offset, limit } = paging(req);
    await ensureRegionDefaults(ctx);
    let rows = await ctx.db.selectFrom('vpcs').selectAll().where('uin', '=', ctx.account.uin).where('region', '=', ctx.region).orderBy('created_at').orderBy('id').execute();
    if (req.VpcIds?.length) {
      for (const id of req.VpcIds) if (!rows.some((r) => r.id === id)) throw notFound('VPC', id);
      rows = rows.filter((r) => req.VpcIds!.includes(r.id));
    }
    const tags = await tagsOf(ctx.db, ctx.account.uin, { service: 'vpc', region: ctx.region, prefix: 'vpc' }, rows.map((r) => r.id));
    rows = applyFilters(
      rows,
      req.Filters,
      {
        'vpc-name': (r, v) => r.name.includes(v),
        'is-default': (r, v) => (r.is_default === 1) === isTrue(v),
        'vpc-id': (r, v) => r.id === v,
        'cidr-block': (r, v) => r.cidr_block === v,
      },
      (r) => tags.get(r.id) ?? [],
    );
    return { TotalCount: rows.length, VpcSet: rows.slice(offset, offset + limit).map((r) => vpcView(r, tags.get(r.id))) };
  },
});
