// DescribeTagValues: the values used with the given tag keys (on instances or remembered from before).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { allTags, VERSION, tagPage, checkCategory } from '../common.ts';

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
    Category: { type: 'string', description: 'Custom, System or All (default All).' },
  },
  async handle(ctx, req) {
    const { offset, limit } = tagPage(req);
    checkCategory(req.Category);
    if (req.TagKeys.length === 0) throw new ApiError('MissingParameter', 'TagKeys must name at least one key.');
    const tags = req.Category === 'System' ? [] : (await allTags(ctx.db, ctx.account.uin)).filter((t) => req.TagKeys.includes(t.TagKey));
    return {
      TotalCount: tags.length, Offset: offset, Limit: limit,
      Tags: tags.slice(offset, offset + limit).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue, Category: 'Custom' })),
    };
  },
});
