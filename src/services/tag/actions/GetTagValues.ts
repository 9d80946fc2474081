// GetTagValues: the values of up to 20 tag keys, sorted by key and value, token-paged.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { CATEGORY_FIELD, checkCategory, tokenFields, tokenPage, VERSION } from '../common.ts';
import { accountTags } from '../listing.ts';

interface Request {
  TagKeys: string[];
  PaginationToken?: string;
  MaxResults?: number;
  Category?: string;
}

export default defineAction<Request, { PaginationToken: string; Tags: Array<Record<string, string>> }>({
  service: 'tag',
  version: VERSION,
  name: 'GetTagValues',
  regionRequired: false,
  request: {
    TagKeys: { type: { array: 'string' }, required: true, description: 'The keys, 1 to 20.' },
    ...tokenFields(1000),
    Category: CATEGORY_FIELD,
  },
  async handle(ctx, req) {
    const page = tokenPage(req, 1000);
    const { system } = checkCategory(req.Category);
    if (req.TagKeys.length === 0 || req.TagKeys.some((k) => k === '')) throw new ApiError('MissingParameter', 'TagKeys must name at least one key, none of them empty.');
    if (req.TagKeys.length > 20) throw new ApiError('LimitExceeded', 'TagKeys takes at most 20 keys.');
    const tags = system ? [] : (await accountTags(ctx, 'sorted')).filter((t) => req.TagKeys.includes(t.TagKey));
    return {
      PaginationToken: page.next(tags.length),
      Tags: tags.slice(page.offset, page.offset + page.limit).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue, Category: 'Custom' })),
    };
  },
});
