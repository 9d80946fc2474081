// GetTagKeys: the account's distinct tag keys, sorted, token-paged.
import { defineAction } from '../../../core/action.ts';
import { CATEGORY_FIELD, checkCategory, tokenFields, tokenPage, VERSION } from '../common.ts';
import { accountTags } from '../listing.ts';

interface Request {
  PaginationToken?: string;
  MaxResults?: number;
  Category?: string;
}

export default defineAction<Request, { PaginationToken: string; TagKeys: string[] }>({
  service: 'tag',
  version: VERSION,
  name: 'GetTagKeys',
  regionRequired: false,
  request: {
    ...tokenFields(1000),
    Category: CATEGORY_FIELD,
  },
  async handle(ctx, req) {
    const page = tokenPage(req, 1000);
    const { system } = checkCategory(req.Category);
    const keys = system ? [] : [...new Set((await accountTags(ctx, 'sorted')).map((t) => t.TagKey))];
    return { PaginationToken: page.next(keys.length), TagKeys: keys.slice(page.offset, page.offset + page.limit) };
  },
});
