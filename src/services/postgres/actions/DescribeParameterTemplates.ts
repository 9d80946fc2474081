// DescribeParameterTemplates: the account's templates in the region; filters TemplateName (exact),
// TemplateId, DBMajorVersion, DBEngine; newest first unless OrderBy says otherwise.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findTemplates, type TemplateQuery } from '../../../store/parameters.ts';
import { pageOf } from '../paging.ts';

interface Request {
  Filters?: Array<{ Name?: string; Values?: string[] }>;
  Limit?: number;
  Offset?: number;
  OrderBy?: string;
  OrderByType?: string;
}

const FILTERS: Record<string, TemplateQuery['filters'][number]['column']> = { TemplateName: 'name', TemplateId: 'id', DBMajorVersion: 'db_major_version', DBEngine: 'db_engine' };
const ORDERS: Record<string, NonNullable<TemplateQuery['orderBy']>> = { CreateTime: 'created_at', TemplateName: 'name', DBMajorVersion: 'db_major_version' };

export default defineAction<Request, { TotalCount: number; ParameterTemplateSet: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeParameterTemplates',
  request: {
    Filters: {
      type: { array: { object: { Name: { type: 'string', description: 'TemplateName, TemplateId, DBMajorVersion or DBEngine.' }, Values: { type: { array: 'string' }, description: 'Values, any of which matches.' } } } },
      description: 'Filters; all must match.',
    },
    Limit: { type: 'integer', description: '0-100, default 20.' },
    Offset: { type: 'integer', description: 'From 0.' },
    OrderBy: { type: 'string', description: 'CreateTime, TemplateName or DBMajorVersion; newest first when absent.' },
    OrderByType: { type: 'string', description: 'asc (default) or desc.' },
  },
  async handle(ctx, req) {
    const { limit, offset } = pageOf(req, { default: 20, min: 0, max: 100 });
    const filters = (req.Filters ?? []).map((f) => {
      const column = FILTERS[f.Name ?? ''];
      if (!column) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Filter name "${f.Name ?? ''}" is invalid; valid names: ${Object.keys(FILTERS).join(', ')}.`);
      return { column, values: f.Values ?? [] };
    });
    let orderBy: TemplateQuery['orderBy'];
    if (req.OrderBy) {
      orderBy = ORDERS[req.OrderBy];
      if (!orderBy) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderBy "${req.OrderBy}" is invalid; valid values: ${Object.keys(ORDERS).join(', ')}.`);
    }
    const dir = (req.OrderByType ?? 'asc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderByType "${req.OrderByType}" is invalid; valid values: asc, desc.`);
    const { total, rows } = await findTemplates(ctx.db, { uin: ctx.account.uin, region: ctx.region, filters, orderBy, desc: dir === 'desc', limit, offset });
    return {
      TotalCount: total,
      ParameterTemplateSet: rows.map((t) => ({ TemplateId: t.id, TemplateName: t.name, DBMajorVersion: t.db_major_version, DBEngine: t.db_engine, TemplateDescription: t.description })),
    };
  },
});
