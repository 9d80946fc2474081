// DescribeResourceTagsByTagKeys: for up to 20 resources of one type and region, their tags of up to 20
// keys; one row per resource that carries at least one of the keys, in the order of ResourceIds.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { resourceTags } from '../../../store/tags.ts';
import { checkResourceType, checkTagKey, tagPage, VERSION } from '../common.ts';

interface Request {
  ServiceType: string;
  ResourcePrefix: string;
  ResourceRegion: string;
  ResourceIds: string[];
  TagKeys: string[];
  Limit?: number;
  Offset?: number;
}

export default defineAction<Request, { TotalCount: number; Offset: number; Limit: number; Rows: Record<string, unknown>[] }>({
  service: 'tag',
  version: VERSION,
  name: 'DescribeResourceTagsByTagKeys',
  regionRequired: false,
  request: {
    ServiceType: { type: 'string', required: true, description: 'Service (third segment).' },
    ResourcePrefix: { type: 'string', required: true, description: 'Resource prefix (sixth segment).' },
    ResourceRegion: { type: 'string', required: true, description: 'Region of the resources.' },
    ResourceIds: { type: { array: 'string' }, required: true, description: 'Resource ids, at most 20.' },
    TagKeys: { type: { array: 'string' }, required: true, description: 'Tag keys, at most 20.' },
    Limit: { type: 'integer', description: 'Page size, default 400.' },
    Offset: { type: 'integer', description: 'Offset, a multiple of Limit.' },
  },
  async handle(ctx, req) {
    checkResourceType(ctx, req);
    const { offset, limit } = tagPage(req, 400);
    if (req.ResourceIds.length === 0 || req.ResourceIds.length > 20 || req.ResourceIds.some((id) => id === ''))
      throw new ApiError('InvalidParameterValue.ResourceIdInvalid', 'ResourceIds takes 1 to 20 ids, none of them empty.');
    if (req.TagKeys.length === 0 || req.TagKeys.length > 20) throw new ApiError('InvalidParameter.Tag', 'TagKeys takes 1 to 20 keys.');
    for (const k of req.TagKeys) checkTagKey(k, 'InvalidParameter.Tag');
    const tags = await resourceTags(ctx.db, ctx.account.uin, { service: req.ServiceType, prefix: req.ResourcePrefix, region: req.ResourceRegion, ids: req.ResourceIds, keys: req.TagKeys });
    const rows = [...new Set(req.ResourceIds)]
      .map((id) => ({ ResourceId: id, TagKeyValues: tags.filter((t) => t.id === id).map((t) => ({ TagKey: t.key, TagValue: t.value, Category: 'Custom' })) }))
      .filter((r) => r.TagKeyValues.length > 0);
    return { TotalCount: rows.length, Offset: offset, Limit: limit, Rows: rows.slice(offset, offset + limit) };
  },
});
