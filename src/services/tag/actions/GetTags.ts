// GetTags: the account's tags (key and value), sorted, narrowed to up to 20 keys, token-paged.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { CATEGORY_FIELD, checkCategory, tokenFields, tokenPage, VERSION } from '../common.ts';
import { accountTags } from '../listing.ts';

interface Request {
  PaginationToken?: string;
  MaxResults?: number;
  TagKeys?: string[];
  Category?: string;
}

export default defineAction<Request, { PaginationToken: string; Tags: Array<Record<string, string>> }>({
  service: 'tag',
  version: VERSION,
  name: 'GetTags',
  regionRequired: false,
  request: {
    ...tokenFields(1000),
    TagKeys: { type: { array: 'string' }, description: 'Only these keys, at most 20.' },
    Category: CATEGORY_FIELD,
  },
  async handle(ctx, req) {
    const page = tokenPage(req, 1000);
    const { system } = checkCategory(req.Category);
    if ((req.TagKeys?.length ?? 0) > 20) throw new ApiError('LimitExceeded', 'TagKeys takes at most 20 keys.');
    if (req.TagKeys?.some((k) => k === '')) throw new ApiError('InvalidParameterValue.TagKeyEmpty', 'A tag key in TagKeys is empty.');
    let tags = system ? [] : await accountTags(ctx, 'sorted');
    if (req.TagKeys?.length) tags = tags.filter((t) => req.TagKeys!.includes(t.TagKey));
    return {
      PaginationToken: page.next(tags.length),
      Tags: tags.slice(page.offset, page.offset + page.limit).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue, Category: 'Custom' })),
    };
  },
});
