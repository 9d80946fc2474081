// DescribeTagKeys: the distinct tag keys of the account, sorted.
import { defineAction } from '../../../core/action.ts';
import { CATEGORY_FIELD, VERSION, tagPage, checkCategory } from '../common.ts';
import { accountTags } from '../listing.ts';

interface Request {
  CreateUin?: number;
  Offset?: number;
  Limit?: number;
  ShowProject?: number;
  Category?: string;
}

export default defineAction<Request, { TotalCount: number; Offset: number; Limit: number; Tags: string[] }>({
  service: 'tag',
  version: VERSION,
  name: 'DescribeTagKeys',
  regionRequired: false,
  request: {
    CreateUin: { type: 'integer', description: 'Creator.' },
    Offset: { type: 'integer', description: 'Offset, a multiple of Limit.' },
    Limit: { type: 'integer', description: 'Page size, default 15, at most 1000.' },
    ShowProject: { type: 'integer', description: '1: include the project key.' },
    Category: CATEGORY_FIELD,
  },
  async handle(ctx, req) {
    const { offset, limit } = tagPage(req);
    const { system } = checkCategory(req.Category);
    const keys = system ? [] : [...new Set((await accountTags(ctx, 'sorted', req.CreateUin)).map((t) => t.TagKey))];
    return { TotalCount: keys.length, Offset: offset, Limit: limit, Tags: keys.slice(offset, offset + limit) };
  },
});
