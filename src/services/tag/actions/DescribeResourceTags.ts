// DescribeResourceTags: the account's resource tags, one row per tag bound, narrowed by region,
// service, prefix and resource id.
import { defineAction } from '../../../core/action.ts';
import { resourceTags } from '../../../store/tags.ts';
import { checkResourceType, createdBy, tagPage, tagResourceView, VERSION } from '../common.ts';

interface Request {
  CreateUin?: number;
  ResourceRegion?: string;
  ServiceType?: string;
  ResourcePrefix?: string;
  ResourceId?: string;
  Offset?: number;
  Limit?: number;
  CosResourceId?: number;
}

export default defineAction<Request, { TotalCount: number; Offset: number; Limit: number; Rows: Record<string, unknown>[] }>({
  service: 'tag',
  version: VERSION,
  name: 'DescribeResourceTags',
  regionRequired: false,
  request: {
    CreateUin: { type: 'integer', description: 'Creator of the resources.' },
    ResourceRegion: { type: 'string', description: 'Region of the resources.' },
    ServiceType: { type: 'string', description: 'Service (third segment).' },
    ResourcePrefix: { type: 'string', description: 'Resource prefix (sixth segment).' },
    ResourceId: { type: 'string', description: 'One resource id.' },
    Offset: { type: 'integer', description: 'Offset, a multiple of Limit.' },
    Limit: { type: 'integer', description: 'Page size, default 15.' },
    CosResourceId: { type: 'integer', description: '1: ResourceId is a COS bucket (pgcloud has none).' },
  },
  async handle(ctx, req) {
    checkResourceType(ctx, req);
    const { offset, limit } = tagPage(req);
    const none = req.CosResourceId === 1 || !createdBy(ctx.account.uin, req.CreateUin);
    let rows = none ? [] : await resourceTags(ctx.db, ctx.account.uin, { service: req.ServiceType, prefix: req.ResourcePrefix, region: req.ResourceRegion });
    if (req.ResourceId !== undefined) rows = rows.filter((t) => t.id === req.ResourceId);
    return { TotalCount: rows.length, Offset: offset, Limit: limit, Rows: rows.slice(offset, offset + limit).map(tagResourceView) };
  },
});
