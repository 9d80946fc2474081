// The account's tags as the listing actions show them (DescribeTags, DescribeTagsSeq, DescribeTagKeys,
// DescribeTagValues and the Get* ones): the catalogue of tags that exist, each with whether it is bound.
import type { ActionContext, RequestSchema } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { catalogue, type CatalogueTag } from '../../store/tags.ts';
import { createdBy, tagPage } from './common.ts';

export interface DescribeTagsRequest {
  TagKey?: string;
  TagValue?: string;
  Offset?: number;
  Limit?: number;
  CreateUin?: number;
  TagKeys?: string[];
  ShowProject?: number;
}

const byKeyValue = (a: CatalogueTag, b: CatalogueTag): number => (a.TagKey !== b.TagKey ? (a.TagKey < b.TagKey ? -1 : 1) : a.TagValue < b.TagValue ? -1 : a.TagValue > b.TagValue ? 1 : 0);

/** The account's tags sorted by key and value ("sorted"), or in the order they came to exist ("created"). */
export async function accountTags(ctx: ActionContext, order: 'sorted' | 'created', createUin?: number): Promise<CatalogueTag[]> {
  if (!createdBy(ctx.account.uin, createUin)) return [];
  const tags = await catalogue(ctx.db, ctx.account.uin);
  return order === 'sorted' ? tags.sort(byKeyValue) : tags;
}

/** DescribeTags and DescribeTagsSeq: TagKey with TagValue, or TagKeys (TagKeys wins, as documented). */
export async function describeTags(ctx: ActionContext, req: DescribeTagsRequest, order: 'sorted' | 'created') {
  const { offset, limit } = tagPage(req);
  if (req.TagValue !== undefined && req.TagKey === undefined) throw new ApiError('MissingParameter', 'TagValue needs TagKey (they are given together or not at all).');
  let tags = await accountTags(ctx, order, req.CreateUin);
  if (req.TagKeys?.length) tags = tags.filter((t) => req.TagKeys!.includes(t.TagKey));
  else {
    if (req.TagKey !== undefined) tags = tags.filter((t) => t.TagKey === req.TagKey);
    if (req.TagValue !== undefined) tags = tags.filter((t) => t.TagValue === req.TagValue);
  }
  return {
    TotalCount: tags.length, Offset: offset, Limit: limit,
    Tags: tags.slice(offset, offset + limit).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue, CanDelete: t.bound ? 0 : 1, Category: 'Custom' })),
  };
}

export const DESCRIBE_TAGS_FIELDS: RequestSchema = {
  TagKey: { type: 'string', description: 'Only this key (with TagValue, or alone).' },
  TagValue: { type: 'string', description: 'Only this value (with TagKey).' },
  Offset: { type: 'integer', description: 'Offset, a multiple of Limit.' },
  Limit: { type: 'integer', description: 'Page size, default 15, at most 1000.' },
  CreateUin: { type: 'integer', description: 'Creator.' },
  TagKeys: { type: { array: 'string' }, description: 'Only these keys (wins over TagKey).' },
  ShowProject: { type: 'integer', description: '1: include the project key (pgcloud has none).' },
};
