// DescribeSecurityGroups: the account's security groups in the region.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { ensureDefaultSecurityGroup } from '../../../store/vpc.ts';
import { applyFilters, FILTERS_FIELD, notFound, PAGING, paging, securityGroupView, VERSION, type Filter } from '../common.ts';
import { tagsOf } from '../tags.ts';

interface Request {
  SecurityGroupIds?: string[];
  Filters?: Filter[];
  Offset?: string;
  Limit?: string;
  OrderField?: string;
  OrderDirection?: string;
}

export default defineAction<Request, { SecurityGroupSet: Record<string, unknown>[]; TotalCount: number }>({
  service: 'vpc',
  version: VERSION,
  name: 'DescribeSecurityGroups',
  request: {
    SecurityGroupIds: { type: { array: 'string' }, description: 'Security group IDs, at most 100.' },
    Filters: FILTERS_FIELD,
    ...PAGING,
    OrderField: { type: 'string', description: 'CreatedTime or UpdateTime.' },
    OrderDirection: { type: 'string', description: 'ASC (default) or DESC.' },
  },
  async handle(ctx, req) {
    if (req.SecurityGroupIds?.length && req.Filters?.length) throw new ApiError('InvalidParameter.Coexist', 'SecurityGroupIds and Filters cannot be given together.');
    const { offset, limit } = paging(req);
    const field = req.OrderField ?? 'CreatedTime';
    if (field !== 'CreatedTime' && field !== 'UpdateTime') throw new ApiError('InvalidParameterValue.Range', 'OrderField must be CreatedTime or UpdateTime.');
    const dir = (req.OrderDirection ?? 'ASC').toUpperCase();
    if (dir !== 'ASC' && dir !== 'DESC') throw new ApiError('InvalidParameterValue.Range', 'OrderDirection must be ASC or DESC.');
    // The default group of the default project exists from the start (other projects' on first use).
    await ensureDefaultSecurityGroup(ctx.db, ctx.account.uin, ctx.region, 0, ctx.clock.now().toISOString());
    let rows = await ctx.db.selectFrom('security_groups').selectAll().where('uin', '=', ctx.account.uin).where('region', '=', ctx.region).execute();
    if (req.SecurityGroupIds?.length) {
      for (const id of req.SecurityGroupIds) if (!rows.some((r) => r.id === id)) throw notFound('Security group', id);
      rows = rows.filter((r) => req.SecurityGroupIds!.includes(r.id));
    }
    const tags = await tagsOf(ctx.db, ctx.account.uin, { service: 'cvm', region: ctx.region, prefix: 'sg' }, rows.map((r) => r.id));
    rows = applyFilters(
      rows,
      req.Filters,
      {
        'security-group-id': (r, v) => r.id === v,
        'project-id': (r, v) => String(r.project_id) === v.trim(),
        'security-group-name': (r, v) => r.name.includes(v),
      },
      (r) => tags.get(r.id) ?? [],
    );
    const key = (r: (typeof rows)[number]) => (field === 'CreatedTime' ? r.created_at : r.updated_at) + r.id;
    rows.sort((a, b) => (key(a) < key(b) ? -1 : 1) * (dir === 'ASC' ? 1 : -1));
    return { SecurityGroupSet: rows.slice(offset, offset + limit).map((r) => securityGroupView(r, tags.get(r.id))), TotalCount: rows.length };
  },
});
