// Shared rules of the tag service (2018-08-13). Tags bound to a postgres instance live in the
// instance's TagList (instances.tags, the one source of truth that DescribeDBInstances filters on);
// tag_catalog remembers every key/value pair the account has used, so DescribeTags lists them.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { ApiError } from '../../core/errors.ts';

export const VERSION = '2018-08-13';

export type TagPair = { TagKey: string; TagValue: string };

/** qcs::postgres:<region>:uin/<uin>:DBInstanceId/<id> → the instance id (of this account). */
export function parseResource(name: string, uin: string): { region: string; id: string } {
  const m = /^qcs::postgres:([a-z0-9-]*):uin\/(\d+):DBInstanceId\/(postgres-[a-z0-9]+)$/.exec(name);
  if (!m) throw new ApiError('InvalidParameterValue.ResourceDescriptionError', `Resource "${name}" is not a postgres instance resource (qcs::postgres:<region>:uin/<uin>:DBInstanceId/<id>); pgcloud tags postgres instances only.`);
  if (m[2] !== uin) throw new ApiError('InvalidParameterValue.UinInvalid', `Resource ${name} belongs to another account.`);
  return { region: m[1]!, id: m[3]! };
}

export async function rememberTags(db: Kysely<Database>, uin: string, tags: TagPair[], now: string): Promise<void> {
  for (const t of tags) {
    const found = await db.selectFrom('tag_catalog').select('tag_key').where('uin', '=', uin).where('tag_key', '=', t.TagKey).where('tag_value', '=', t.TagValue).executeTakeFirst();
    if (!found) await db.insertInto('tag_catalog').values({ uin, tag_key: t.TagKey, tag_value: t.TagValue, created_at: now }).execute();
  }
}

/** Every pair the account knows: the catalog and the live instances' TagLists; bound = used by a live instance. */
export async function allTags(db: Kysely<Database>, uin: string): Promise<Array<TagPair & { bound: boolean }>> {
  const out = new Map<string, TagPair & { bound: boolean }>();
  for (const r of await db.selectFrom('tag_catalog').selectAll().where('uin', '=', uin).orderBy('created_at').execute())
    out.set(`${r.tag_key}\u0000${r.tag_value}`, { TagKey: r.tag_key, TagValue: r.tag_value, bound: false });
  for (const r of await db.selectFrom('instances').select('tags').where('uin', '=', uin).where('desired_state', '!=', 'destroyed').execute())
    for (const t of JSON.parse(r.tags) as TagPair[]) out.set(`${t.TagKey}\u0000${t.TagValue}`, { ...t, bound: true });
  return [...out.values()];
}

/** Offset/Limit of the tag listings (default 15, at most 1000), checked as the tag service does. */
export function tagPage(req: { Offset?: number; Limit?: number }): { offset: number; limit: number } {
  const offset = req.Offset ?? 0;
  const limit = req.Limit ?? 15;
  if (limit < 1 || limit > 1000 || offset < 0) throw new ApiError('InvalidParameterValue.OffsetInvalid', 'Limit must be 1-1000 and Offset not negative.');
  return { offset, limit };
}

/** Category of the tag listings: Custom, System or All (absent = All). */
export function checkCategory(category: string | undefined): void {
  if (category !== undefined && !['Custom', 'System', 'All'].includes(category)) throw new ApiError('InvalidParameterValue.Category', 'Category must be Custom, System or All.');
}
