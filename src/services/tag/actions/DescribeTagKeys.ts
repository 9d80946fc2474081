// DescribeTagKeys: the distinct tag keys (sorted) of the account (used on instances or remembered from before).
import { defineAction } from '../../../core/action.ts';
import { allTags, VERSION, tagPage, checkCategory } from '../common.ts';

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
    Category: { type: 'string', description: 'Custom, System or All (default All).' },
  },
  async handle(ctx, req) {
    const { offset, limit } = tagPage(req);
    checkCategory(req.Category);
    // pgcloud has no system tags: every tag is Custom. Keys sorted, so pages are stable.
    const keys = req.Category === 'System' ? [] : [...new Set((await allTags(ctx.db, ctx.account.uin)).map((t) => t.TagKey))].sort();
    return { TotalCount: keys.length, Offset: offset, Limit: limit, Tags: keys.slice(offset, offset + limit) };
  },
});
