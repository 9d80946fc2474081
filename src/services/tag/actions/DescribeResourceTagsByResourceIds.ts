// DescribeResourceTagsByResourceIds: the tags of up to 50 resources of one type and region (what the
// Terraform provider reads every tagged resource's tags with), in the order of ResourceIds.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { resourceTags } from '../../../store/tags.ts';
import { CATEGORY_FIELD, checkCategory, checkResourceType, tagPage, tagResourceView, VERSION } from '../common.ts';

interface Request {
  ServiceType: string;
  ResourcePrefix: string;
  ResourceIds: string[];
  ResourceRegion: string;
  Offset?: number;
  Limit?: number;
  Category?: string;
}

export default defineAction<Request, { TotalCount: number; Offset: number; Limit: number; Tags: Record<string, unknown>[] }>({
  service: 'tag',
  version: VERSION,
  name: 'DescribeResourceTagsByResourceIds',
  regionRequired: false,
  request: {
    ServiceType: { type: 'string', required: true, description: 'Service (third segment), e.g. postgres.' },
    ResourcePrefix: { type: 'string', required: true, description: 'Resource prefix (sixth segment), e.g. DBInstanceId.' },
    ResourceIds: { type: { array: 'string' }, required: true, description: 'Resource ids, at most 50.' },
    ResourceRegion: { type: 'string', required: true, description: 'Region of the resources ("" for resources without one).' },
    Offset: { type: 'integer', description: 'Offset, a multiple of Limit.' },
    Limit: { type: 'integer', description: 'Page size, default 15.' },
    Category: CATEGORY_FIELD,
  },
  async handle(ctx, req) {
    checkResourceType(ctx, req);
    const { offset, limit } = tagPage(req);
    const { system } = checkCategory(req.Category);
    if (req.ResourceIds.length === 0 || req.ResourceIds.some((id) => id === '')) throw new ApiError('InvalidParameterValue.ResourceIdInvalid', 'ResourceIds must name at least one resource, none of them empty.');
    if (req.ResourceIds.length > 50) throw new ApiError('InvalidParameterValue.ResourceIdInvalid', `ResourceIds takes at most 50 ids (got ${req.ResourceIds.length}).`);
    const tags = system ? [] : await resourceTags(ctx.db, ctx.account.uin, { service: req.ServiceType, prefix: req.ResourcePrefix, region: req.ResourceRegion, ids: req.ResourceIds });
    const rank = new Map(req.ResourceIds.map((id, i) => [id, i] as const).reverse());
    tags.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!); // stable: each resource's tags keep their order
    return { TotalCount: tags.length, Offset: offset, Limit: limit, Tags: tags.slice(offset, offset + limit).map(tagResourceView) };
  },
});
