// DescribeSubnets: the account's subnets in the region, with their address books' counts.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { usedAddressCounts } from '../../../store/vpc.ts';
import { ensureRegionDefaults, applyFilters, FILTERS_FIELD, isTrue, notFound, PAGING, paging, subnetView, VERSION, type Filter } from '../common.ts';
import { tagsOf } from '../tags.ts';

interface Request {
  SubnetIds?: string[];
  Filters?: Filter[];
  Offset?: string;
  Limit?: string;
  MaxResults?: number;
  NextToken?: string;
}

export default defineAction<Request, { TotalCount: number; SubnetSet: Record<string, unknown>[]; NextToken: string }>({
  service: 'vpc',
  version: VERSION,
  name: 'DescribeSubnets',
  request: {
    SubnetIds: { type: { array: 'string' }, description: 'Subnet IDs, at most 100.' },
    Filters: FILTERS_FIELD,
    ...PAGING,
    MaxResults: { type: 'integer', description: 'Token paging: page size.' },
    NextToken: { type: 'string', description: 'Token paging: where the last page ended.' },
  },
  async handle(ctx, req) {
    if (req.SubnetIds?.length && req.Filters?.length) throw new ApiError('InvalidParameter.Coexist', 'SubnetIds and Filters cannot be given together.');
    let { offset, limit } = paging(req);
    await ensureRegionDefaults(ctx);
    if (req.MaxResults !== undefined) {
      if (req.MaxResults < 1 || req.MaxResults > 100) throw new ApiError('InvalidParameterValue.Range', 'MaxResults must be from 1 to 100.');
      limit = req.MaxResults;
      offset = req.NextToken ? Number(req.NextToken) : 0;
      if (!Number.isInteger(offset) || offset < 0) throw new ApiError('InvalidParameterValue.Malformed', `NextToken "${req.NextToken}" is invalid.`);
    }
    let rows = await ctx.db.selectFrom('subnets').selectAll().where('uin', '=', ctx.account.uin).where('region', '=', ctx.region).orderBy('created_at').orderBy('id').execute();
    if (req.SubnetIds?.length) {
      for (const id of req.SubnetIds) if (!rows.some((r) => r.id === id)) throw notFound('Subnet', id);
      rows = rows.filter((r) => req.SubnetIds!.includes(r.id));
    }
    const tags = await tagsOf(ctx.db, ctx.account.uin, { service: 'vpc', region: ctx.region, prefix: 'subnet' }, rows.map((r) => r.id));
    rows = applyFilters(rows, req.Filters, {
      'subnet-id': (r, v) => r.id === v,
      'vpc-id': (r, v) => r.vpc_id === v,
      'cidr-block': (r, v) => r.cidr_block === v,
      'is-default': (r, v) => (r.is_default === 1) === isTrue(v),
      'is-remote-vpc-snat': (_r, v) => !isTrue(v),
      'subnet-name': (r, v) => r.name.includes(v),
      zone: (r, v) => r.zone === v,
      'cdc-id': () => false, // no CDC subnets
      'is-cdc-subnet': (_r, v) => v.trim() === '0',
      'ipv6-cidr-block': () => false, // no IPv6 subnets
      'isp-type': () => false,
    }, (r) => tags.get(r.id) ?? []);
    const page = rows.slice(offset, offset + limit);
    const used = await usedAddressCounts(ctx.db, page.map((r) => r.id));
    const more = req.MaxResults !== undefined && offset + limit < rows.length;
    return { TotalCount: rows.length, SubnetSet: page.map((r) => subnetView(r, used.get(r.id) ?? 0, tags.get(r.id))), NextToken: more ? String(offset + limit) : '' };
  },
});
