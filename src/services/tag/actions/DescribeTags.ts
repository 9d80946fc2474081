// DescribeTags: the tag key/value pairs of the account (used on instances or remembered from before).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { allTags, VERSION, tagPage } from '../common.ts';

interface Request {
  TagKey?: string;
  TagValue?: string;
  Offset?: number;
  Limit?: number;
  CreateUin?: number;
  TagKeys?: string[];
  ShowProject?: number;
}

export default defineAction<Request, { TotalCount: number; Offset: number; Limit: number; Tags: Record<string, unknown>[] }>({
  service: 'tag',
  version: VERSION,
  name: 'DescribeTags',
  regionRequired: false,
  request: {
    TagKey: { type: 'string', description: 'Only this key.' },
    TagValue: { type: 'string', description: 'Only this value (with TagKey).' },
    Offset: { type: 'integer', description: 'Offset, a multiple of Limit.' },
    Limit: { type: 'integer', description: 'Page size, default 15, at most 1000.' },
    CreateUin: { type: 'integer', description: 'Creator.' },
    TagKeys: { type: { array: 'string' }, description: 'Only these keys.' },
    ShowProject: { type: 'integer', description: '1: include the project key.' },
  },
  async handle(ctx, req) {
    const { offset, limit } = tagPage(req);
    if (req.TagValue !== undefined && req.TagKey === undefined) throw new ApiError('MissingParameter', 'TagValue needs TagKey.');
    let tags = await allTags(ctx.db, ctx.account.uin);
    if (req.TagKey !== undefined) tags = tags.filter((t) => t.TagKey === req.TagKey);
    if (req.TagValue !== undefined) tags = tags.filter((t) => t.TagValue === req.TagValue);
    if (req.TagKeys?.length) tags = tags.filter((t) => req.TagKeys!.includes(t.TagKey));
    return {
      TotalCount: tags.length, Offset: offset, Limit: limit,
      Tags: tags.slice(offset, offset + limit).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue, CanDelete: t.bound ? 0 : 1, Category: 'Custom' })),
    };
  },
});
