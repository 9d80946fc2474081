// DescribeTagValues: the values of the given tag keys, sorted by key and value.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { CATEGORY_FIELD, VERSION, tagPage, checkCategory } from '../common.ts';
import { accountTags } from '../listing.ts';

interface Request {
  TagKeys: string[];
  CreateUin?: number;
  Offset?: number;
  Limit?: number;
  Category?: string;
}

export default defineAction<Request, { TotalCount: number; Offset: number; Limit: number; Tags: Array<{ TagKey: string; TagValue: string; Category: string }> }>({
  service: 'tag',
  version: VERSION,
  name: 'DescribeTagValues',
  regionRequired: false,
  request: {
    TagKeys: { type: { array: 'string' }, required: true, description: 'The tag keys.' },
    CreateUin: { type: 'integer', description: 'Creator.' },
    Offset: { type: 'integer', description: 'Offset, a multiple of Limit.' },
    Limit: { type: 'integer', description: 'Page size, default 15, at most 1000.' },
    Category: CATEGORY_FIELD,
  },
  async handle(ctx, req) {
    const { offset, limit } = tagPage(req);
    const { system } = checkCategory(req.Category);
    if (req.TagKeys.length === 0 || req.TagKeys.some((k) => k === '')) throw new ApiError('InvalidParameterValue.TagKeyEmpty', 'TagKeys must name at least one key, none of them empty.');
    const tags = system ? [] : (await accountTags(ctx, 'sorted', req.CreateUin)).filter((t) => req.TagKeys.includes(t.TagKey));
    return {
      TotalCount: tags.length, Offset: offset, Limit: limit,
      Tags: tags.slice(offset, offset + limit).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue, Category: 'Custom' })),
    };
  },
});
