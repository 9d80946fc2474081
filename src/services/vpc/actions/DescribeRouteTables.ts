// DescribeRouteTables: the account's route tables in the region, each VPC's default one (Main) made
// with it, with the subnets associated with each (AssociationSet). No table holds a route of the
// user's (pgcloud has no gateways to route to): RouteSet is empty, and the VPC's own CIDR is its local
// route (LocalCidrForCcn).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { apiTime, applyFilters, ensureRegionDefaults, FILTERS_FIELD, isTrue, notFound, PAGING, paging, VERSION, type Filter } from '../common.ts';
import { tagSetView, tagsOf } from '../tags.ts';

interface Request {
  Filters?: Filter[];
  RouteTableIds?: string[];
  Offset?: string;
  Limit?: string;
  NeedRouterInfo?: boolean;
}

export default defineAction<Request, { TotalCount: number; RouteTableSet: Record<string, unknown>[] }>({
  service: 'vpc',
  version: VERSION,
  name: 'DescribeRouteTables',
  request: {
    Filters: FILTERS_FIELD,
    RouteTableIds: { type: { array: 'string' }, description: 'Route table IDs, e.g. rtb-azd4dt1c, at most 100.' },
    ...PAGING,
    NeedRouterInfo: { type: 'boolean', description: 'Whether to return route policies (default true).' },
  },
  async handle(ctx, req) {
    if (req.RouteTableIds?.length && req.Filters?.length) throw new ApiError('InvalidParameter.Coexist', 'RouteTableIds and Filters cannot be given together.');
    if ((req.RouteTableIds?.length ?? 0) > 100) throw new ApiError('InvalidParameterValue.LimitExceeded', 'At most 100 RouteTableIds.');
    const { offset, limit } = paging(req);
    await ensureRegionDefaults(ctx);
    let rows = await ctx.db
      .selectFrom('route_tables')
      .innerJoin('vpcs', 'vpcs.id', 'route_tables.vpc_id')
      .select(['route_tables.id as id', 'route_tables.vpc_id as vpc_id', 'route_tables.name as name', 'route_tables.is_default as is_default', 'route_tables.created_at as created_at', 'vpcs.cidr_block as cidr_block'])
      .where('route_tables.uin', '=', ctx.account.uin)
      .where('route_tables.region', '=', ctx.region)
      .orderBy('route_tables.created_at')
      .orderBy('route_tables.id')
      .execute();
    if (req.RouteTableIds?.length) {
      for (const id of req.RouteTableIds) if (!rows.some((r) => r.id === id)) throw notFound('Route table', id);
      rows = rows.filter((r) => req.RouteTableIds!.includes(r.id));
    }
    const tags = await tagsOf(ctx.db, ctx.account.uin, { service: 'vpc', region: ctx.region, prefix: 'rtb' }, rows.map((r) => r.id));
    rows = applyFilters(
      rows,
      req.Filters,
      {
        'route-table-id': (r, v) => r.id === v,
        'route-table-name': (r, v) => r.name === v,
        'vpc-id': (r, v) => r.vpc_id === v,
        'association.main': (r, v) => (r.is_default === 1) === isTrue(v),
        visible: (_r, v) => isTrue(v),
        'next-hop-type': (_r, v) => v.toUpperCase() === 'LOCAL', // only the local route: every table has it
      },
      (r) => tags.get(r.id) ?? [],
    );
    const page = rows.slice(offset, offset + limit);
    const subnets = page.length
      ? await ctx.db.selectFrom('subnets').select(['id', 'route_table_id']).where('route_table_id', 'in', page.map((r) => r.id)).orderBy('created_at').orderBy('id').execute()
      : [];
    return {
      TotalCount: rows.length,
      RouteTableSet: page.map((r) => ({
        VpcId: r.vpc_id, RouteTableId: r.id, RouteTableName: r.name,
        AssociationSet: subnets.filter((s) => s.route_table_id === r.id).map((s) => ({ SubnetId: s.id, RouteTableId: r.id })),
        RouteSet: [], Main: r.is_default === 1, CreatedTime: apiTime(r.created_at), TagSet: tagSetView(tags.get(r.id)),
        LocalCidrForCcn: [{ Cidr: r.cidr_block, PublishedToVbc: false }],
      })),
    };
  },
});
