// Resource tags: one row per tag bound to a resource (resource_tags), the single source of truth that
// the tag service, postgres (TagList) and vpc (Tags, TagSet) all read and write, and the account's
// catalogue of tags that exist (tag_catalog: made by CreateTag or by binding a tag, removed by DeleteTag).
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { formatResourceName, type TagPair } from '../core/tags.ts';

/** A resource of an account, as its six-segment name describes it (service, region, prefix, id). */
export interface ResourceKey {
  service: string;
  region: string;
  prefix: string;
  id: string;
}

export interface ResourceTag extends ResourceKey {
  resource: string;
  key: string;
  value: string;
}

type LiveIds = (db: Kysely<Database>, uin: string, region: string, ids: string[]) => Promise<string[]>;

/** The resource types pgcloud has, by "<service>/<prefix>", and which of some ids are live resources of that type. */
const RESOURCE_TYPES: Record<string, LiveIds> = {
  'postgres/DBInstanceId': async (db, uin, region, ids) =>
    (await db.selectFrom('instances').select('id').where('uin', '=', uin).where('region', '=', region).where('id', 'in', ids).where('desired_state', '!=', 'destroyed').execute()).map((r) => r.id),
  'vpc/vpc': async (db, uin, region, ids) => (await db.selectFrom('vpcs').select('id').where('uin', '=', uin).where('region', '=', region).where('id', 'in', ids).execute()).map((r) => r.id),
  'vpc/subnet': async (db, uin, region, ids) => (await db.selectFrom('subnets').select('id').where('uin', '=', uin).where('region', '=', region).where('id', 'in', ids).execute()).map((r) => r.id),
  'vpc/rtb': async (db, uin, region, ids) => (await db.selectFrom('route_tables').select('id').where('uin', '=', uin).where('region', '=', region).where('id', 'in', ids).execute()).map((r) => r.id),
  'cvm/sg': async (db, uin, region, ids) => (await db.selectFrom('security_groups').select('id').where('uin', '=', uin).where('region', '=', region).where('id', 'in', ids).execute()).map((r) => r.id),
};

export const TAGGABLE_TYPES = Object.keys(RESOURCE_TYPES);

export const isTaggable = (service: string, prefix: string): boolean => `${service}/${prefix}` in RESOURCE_TYPES;

/** Which of ids are live resources of this account, type and region. */
export async function liveResourceIds(db: Kysely<Database>, uin: string, key: Omit<ResourceKey, 'id'>, ids: string[]): Promise<Set<string>> {
  const live = RESOURCE_TYPES[`${key.service}/${key.prefix}`];
  if (!live || ids.length === 0) return new Set();
  return new Set(await live(db, uin, key.region, ids));
}

export const canonicalName = (uin: string, key: ResourceKey): string => formatResourceName({ ...key, uin });

export interface TagQuery {
  service?: string;
  prefix?: string;
  region?: string;
  ids?: string[];
  keys?: string[];
}

/**
 * The tags bound to the account's live resources, by resource (in the order of their first tag) and
 * each resource's tags in their order. A resource that is gone (a destroyed instance) has no tags.
 */
export async function resourceTags(db: Kysely<Database>, uin: string, q: TagQuery = {}): Promise<ResourceTag[]> {
  if (q.ids && q.ids.length === 0) return [];
  if (q.keys && q.keys.length === 0) return [];
  let sel = db.selectFrom('resource_tags').selectAll().where('uin', '=', uin);
  if (q.service !== undefined) sel = sel.where('service', '=', q.service);
  if (q.prefix !== undefined) sel = sel.where('resource_prefix', '=', q.prefix);
  if (q.region !== undefined) sel = sel.where('region', '=', q.region);
  if (q.ids) sel = sel.where('resource_id', 'in', q.ids);
  if (q.keys) sel = sel.where('tag_key', 'in', q.keys);
  const rows = await sel.orderBy('resource').orderBy('position').execute();
  // Drop the rows of resources that no longer exist (checked per type and region, in one query each).
  const groups = new Map<string, { key: Omit<ResourceKey, 'id'>; ids: Set<string> }>();
  for (const r of rows) {
    const g = `${r.service}\u0000${r.resource_prefix}\u0000${r.region}`;
    if (!groups.has(g)) groups.set(g, { key: { service: r.service, prefix: r.resource_prefix, region: r.region }, ids: new Set() });
    groups.get(g)!.ids.add(r.resource_id);
  }
  const live = new Set<string>();
  for (const { key, ids } of groups.values())
    for (const id of await liveResourceIds(db, uin, key, [...ids])) live.add(canonicalName(uin, { ...key, id }));
  const kept = rows.filter((r) => live.has(r.resource));
  // Resources in the order they were first tagged, so pages are stable.
  const first = new Map<string, string>();
  for (const r of kept) {
    const f = first.get(r.resource);
    if (f === undefined || r.created_at < f) first.set(r.resource, r.created_at);
  }
  kept.sort((a, b) => {
    if (a.resource !== b.resource) {
      const fa = first.get(a.resource)!;
      const fb = first.get(b.resource)!;
      return fa !== fb ? (fa < fb ? -1 : 1) : a.resource < b.resource ? -1 : 1;
    }
    return a.position - b.position;
  });
  return kept.map((r) => ({ resource: r.resource, service: r.service, region: r.region, prefix: r.resource_prefix, id: r.resource_id, key: r.tag_key, value: r.tag_value }));
}

/** The tags of some resources of one type, by resource id, each list in the resource's order. */
export async function tagsById(db: Kysely<Database>, uin: string, type: Omit<ResourceKey, 'id'>, ids: string[]): Promise<Map<string, TagPair[]>> {
  const out = new Map<string, TagPair[]>(ids.map((id) => [id, []]));
  for (const t of await resourceTags(db, uin, { ...type, ids })) out.get(t.id)?.push({ TagKey: t.key, TagValue: t.value });
  return out;
}

/**
 * Binds replace (a key already bound takes the new value and keeps its place; a new key goes last) and
 * unbinds the keys of remove, on one resource; every pair bound goes into the catalogue. Run inside the
 * caller's transaction. Returns how many tags the resource then carries (the caller refuses too many).
 */
export async function changeResourceTags(trx: Kysely<Database>, uin: string, key: ResourceKey, replace: TagPair[], remove: string[], now: string): Promise<number> {
  const resource = canonicalName(uin, key);
  if (remove.length) await trx.deleteFrom('resource_tags').where('uin', '=', uin).where('resource', '=', resource).where('tag_key', 'in', remove).execute();
  for (const t of replace) {
    const res = await trx.updateTable('resource_tags').set({ tag_value: t.TagValue }).where('uin', '=', uin).where('resource', '=', resource).where('tag_key', '=', t.TagKey).executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) continue;
    const last = await trx.selectFrom('resource_tags').select((eb) => eb.fn.max('position').as('m')).where('uin', '=', uin).where('resource', '=', resource).executeTakeFirst();
    await trx
      .insertInto('resource_tags')
      .values({
        uin, resource, service: key.service, region: key.region, resource_prefix: key.prefix, resource_id: key.id, tag_key: t.TagKey, tag_value: t.TagValue,
        position: last?.m === null || last?.m === undefined ? 0 : Number(last.m) + 1, created_at: now,
      })
      .execute();
  }
  await addToCatalogue(trx, uin, replace, now);
  const n = await trx.selectFrom('resource_tags').select((eb) => eb.fn.countAll().as('n')).where('uin', '=', uin).where('resource', '=', resource).executeTakeFirst();
  return Number(n?.n ?? 0);
}

/** Forgets every tag of a resource that is deleted (its tags stay in the catalogue). */
export async function dropResourceTags(trx: Kysely<Database>, uin: string, keys: ResourceKey[]): Promise<void> {
  for (const key of keys) await trx.deleteFrom('resource_tags').where('uin', '=', uin).where('resource', '=', canonicalName(uin, key)).execute();
}

/** Adds pairs the account did not have to its catalogue. */
export async function addToCatalogue(trx: Kysely<Database>, uin: string, pairs: TagPair[], now: string): Promise<void> {
  for (const t of pairs) {
    const found = await trx.selectFrom('tag_catalog').select('tag_key').where('uin', '=', uin).where('tag_key', '=', t.TagKey).where('tag_value', '=', t.TagValue).executeTakeFirst();
    if (!found) await trx.insertInto('tag_catalog').values({ uin, tag_key: t.TagKey, tag_value: t.TagValue, created_at: now }).execute();
  }
}

/** How many keys the account's catalogue holds, and how many values the busiest of keys has. */
export async function catalogueCounts(db: Kysely<Database>, uin: string, keys: string[]): Promise<{ keys: number; maxValues: number }> {
  const k = await db.selectFrom('tag_catalog').select((eb) => eb.fn.count('tag_key').distinct().as('n')).where('uin', '=', uin).executeTakeFirst();
  let maxValues = 0;
  for (const key of new Set(keys)) {
    const v = await db.selectFrom('tag_catalog').select((eb) => eb.fn.countAll().as('n')).where('uin', '=', uin).where('tag_key', '=', key).executeTakeFirst();
    maxValues = Math.max(maxValues, Number(v?.n ?? 0));
  }
  return { keys: Number(k?.n ?? 0), maxValues };
}

export interface CatalogueTag extends TagPair {
  createdAt: string;
  /** Bound to at least one live resource (then DeleteTag refuses it: CanDelete 0). */
  bound: boolean;
}

/** The account's tags in the order they came to exist. */
export async function catalogue(db: Kysely<Database>, uin: string): Promise<CatalogueTag[]> {
  const bound = new Set((await resourceTags(db, uin)).map((t) => `${t.key}\u0000${t.value}`));
  const rows = await db.selectFrom('tag_catalog').selectAll().where('uin', '=', uin).orderBy('created_at').orderBy('tag_key').orderBy('tag_value').execute();
  return rows.map((r) => ({ TagKey: r.tag_key, TagValue: r.tag_value, createdAt: r.created_at, bound: bound.has(`${r.tag_key}\u0000${r.tag_value}`) }));
}

export async function removeFromCatalogue(trx: Kysely<Database>, uin: string, pair: TagPair): Promise<void> {
  await trx.deleteFrom('tag_catalog').where('uin', '=', uin).where('tag_key', '=', pair.TagKey).where('tag_value', '=', pair.TagValue).execute();
}
