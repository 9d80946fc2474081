// Shared rules of the tag service (2018-08-13): resource names, tag validation, binding with the
// documented limits, and the Offset/Limit and PaginationToken pagings. The tags themselves live in the
// store's resource_tags (src/store/tags.ts), the one source of truth postgres and vpc read too.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ActionContext, FieldSpec, RequestSchema } from '../../core/action.ts';
import type { Database } from '../../store/schema.ts';
import { ApiError } from '../../core/errors.ts';
import { parseResourceName, tagKeyProblem, tagValueProblem, TAG_LIMITS, TAG_PROBLEM_TEXT, type TagPair, type TagProblem } from '../../core/tags.ts';
import { catalogueCounts, changeResourceTags, isTaggable, liveResourceIds, resourceTags, TAGGABLE_TYPES, type ResourceKey, type ResourceTag } from '../../store/tags.ts';

export const VERSION = '2018-08-13';
export type { TagPair };

export const TAG_FIELD: FieldSpec = {
  type: { array: { object: { TagKey: { type: 'string', required: true, description: 'Key.' }, TagValue: { type: 'string', required: true, description: 'Value.' }, Category: { type: 'string', description: 'Ignored on input.' } } } },
  description: 'Tags.',
};

/**
 * A six-segment resource name of this account → the resource, which must exist. "uin/" with no
 * number means the caller's account (the Terraform provider writes them so).
 */
export async function resolveResource(db: Kysely<Database>, uin: string, name: string): Promise<ResourceKey> {
  const r = parseResourceName(name);
  if (!r) throw new ApiError('InvalidParameterValue.ResourceDescriptionError', `Resource "${name}" is not a six-segment resource description (qcs::<service>:<region>:uin/<uin>:<prefix>/<id>).`);
  if (!isTaggable(r.service, r.prefix))
    throw new ApiError('InvalidParameterValue.ResourceDescriptionError', `Resource "${name}": pgcloud has no ${r.service} resources of prefix ${r.prefix}; taggable here: ${TAGGABLE_TYPES.join(', ')}.`);
  if (r.uin !== '' && r.uin !== uin) throw new ApiError('InvalidParameterValue.UinInvalid', `Resource ${name} belongs to another account (uin ${r.uin}).`);
  const key = { service: r.service, region: r.region, prefix: r.prefix, id: r.id };
  if (!(await liveResourceIds(db, uin, key, [r.id])).has(r.id)) throw new ApiError('ResourceNotFound', `Resource ${name} does not exist.`);
  return key;
}

/** The value a resource's tag key has, or undefined when the resource does not carry the key. */
export async function boundValue(db: Kysely<Database>, uin: string, key: ResourceKey, tagKey: string): Promise<string | undefined> {
  return (await resourceTags(db, uin, { ...key, ids: [key.id], keys: [tagKey] }))[0]?.value;
}

/** The one-tag writes (AddResourceTag, UpdateResourceTagValue): checked, then bound if `allowed` agrees with what is bound. */
export async function bindOneTag(ctx: ActionContext, req: { TagKey: string; TagValue: string; Resource: string }, allowed: (bound: string | undefined) => ApiError | undefined): Promise<void> {
  const pair = { TagKey: req.TagKey, TagValue: req.TagValue };
  checkTagPairs([pair], { allowEmptyValue: true });
  await ctx.db.transaction().execute(async (trx) => {
    const key = await resolveResource(trx, ctx.account.uin, req.Resource);
    const refusal = allowed(await boundValue(trx, ctx.account.uin, key, req.TagKey));
    if (refusal) throw refusal;
    await bindTags(trx, ctx, key, [pair], []);
  });
}

export const attachedKeyNotFound = (resource: string, tagKey: string) => new ApiError('ResourceNotFound.AttachedTagKeyNotFound', `Resource ${resource} carries no tag key "${tagKey}".`);

/** The tag service's own codes for a bad key or value; reserved keys answer reservedCode (the actions differ). */
export function tagProblemError(problem: TagProblem, what: string, reservedCode = 'InvalidParameter.ReservedTagKey'): ApiError {
  const codes: Record<TagProblem, string> = {
    keyEmpty: 'InvalidParameterValue.TagKeyEmpty',
    keyLength: 'InvalidParameterValue.TagKeyLengthExceeded',
    keyChars: 'InvalidParameterValue.TagKeyCharacterIllegal',
    keyReserved: reservedCode,
    valueEmpty: 'InvalidParameterValue.TagValueEmpty',
    valueLength: 'InvalidParameterValue.TagValueLengthExceeded',
    valueChars: 'InvalidParameterValue.TagValueCharacterIllegal',
  };
  return new ApiError(codes[problem], `${what}: ${TAG_PROBLEM_TEXT[problem]}.`);
}

export function checkTagKey(key: string, reservedCode?: string): void {
  const p = tagKeyProblem(key);
  if (p) throw tagProblemError(p, `TagKey "${key}"`, reservedCode);
}

/** Checks the pairs of a write; allowEmptyValue for the actions whose documented errors lack TagValueEmpty. */
export function checkTagPairs(tags: TagPair[], opts: { allowEmptyValue: boolean; reservedCode?: string; duplicateCode?: string }): void {
  const seen = new Set<string>();
  for (const t of tags) {
    checkTagKey(t.TagKey, opts.reservedCode);
    const p = tagValueProblem(t.TagValue, opts.allowEmptyValue);
    if (p) throw tagProblemError(p, `TagValue "${t.TagValue}" of key "${t.TagKey}"`);
    if (seen.has(t.TagKey)) throw new ApiError(opts.duplicateCode ?? 'InvalidParameterValue.TagKeyDuplicate', `TagKey "${t.TagKey}" is given twice.`);
    seen.add(t.TagKey);
  }
}

/** Binds and unbinds tags on one resource inside trx, within the per-resource and per-account limits. */
export async function bindTags(trx: Kysely<Database>, ctx: ActionContext, key: ResourceKey, replace: TagPair[], remove: string[]): Promise<void> {
  const carried = await changeResourceTags(trx, ctx.account.uin, key, replace, remove, ctx.clock.now().toISOString());
  if (carried > TAG_LIMITS.perResource) throw new ApiError('LimitExceeded.ResourceAttachedTags', `Resource ${key.prefix}/${key.id} would carry ${carried} tags; at most ${TAG_LIMITS.perResource}.`);
  await checkCatalogueLimits(trx, ctx.account.uin, replace.map((t) => t.TagKey));
}

export async function checkCatalogueLimits(db: Kysely<Database>, uin: string, keys: string[]): Promise<void> {
  const counts = await catalogueCounts(db, uin, keys);
  if (counts.keys > TAG_LIMITS.keysPerAccount) throw new ApiError('LimitExceeded.TagKey', `An account holds at most ${TAG_LIMITS.keysPerAccount} tag keys.`);
  if (counts.maxValues > TAG_LIMITS.valuesPerKey) throw new ApiError('LimitExceeded.TagValue', `A tag key takes at most ${TAG_LIMITS.valuesPerKey} values.`);
}

/** Offset/Limit of the tag listings (default 15 unless said, at most 1000), checked as the tag service does. */
export function tagPage(req: { Offset?: number; Limit?: number }, defaultLimit = 15): { offset: number; limit: number } {
  const offset = req.Offset ?? 0;
  const limit = req.Limit ?? defaultLimit;
  if (limit < 1 || limit > 1000 || offset < 0) throw new ApiError('InvalidParameterValue.OffsetInvalid', 'Limit must be 1-1000 and Offset not negative.');
  return { offset, limit };
}

/**
 * PaginationToken/MaxResults of the Get* listings: the token is opaque to the client (here the next
 * offset, base64), "" or absent for the first page; a token that is not one of ours is refused.
 */
export function tokenPage(req: { PaginationToken?: string; MaxResults?: number }, max: number): { offset: number; limit: number; next(total: number): string } {
  const limit = req.MaxResults ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new ApiError('InvalidParameter', `MaxResults must be from 1 to ${max}.`);
  let offset = 0;
  if (req.PaginationToken) {
    const m = /^o:(\d{1,9})$/.exec(Buffer.from(req.PaginationToken, 'base64url').toString('utf8'));
    if (!m) throw new ApiError('InvalidParameter.PaginationTokenInvalid', `PaginationToken "${req.PaginationToken}" was not given by this service.`);
    offset = Number(m[1]);
  }
  return { offset, limit, next: (total) => (offset + limit < total ? Buffer.from(`o:${offset + limit}`).toString('base64url') : '') };
}

/** The request fields of the PaginationToken pagings (and Category, which the Get* listings all take). */
export const tokenFields = (max: number): RequestSchema => ({
  PaginationToken: { type: 'string', description: 'From the previous page; empty for the first.' },
  MaxResults: { type: 'integer', description: `Page size, default 50, at most ${max}.` },
});

export const CATEGORY_FIELD: FieldSpec = { type: 'string', description: 'Custom, System or All (default All).' };

/** Category of the tag listings: Custom, System or All (absent = All). pgcloud has no system tags. */
export function checkCategory(category: string | undefined): { system: boolean } {
  if (category !== undefined && !['Custom', 'System', 'All'].includes(category)) throw new ApiError('InvalidParameter', `Category "${category}" is invalid; valid values: Custom, System, All.`);
  return { system: category === 'System' };
}

/** CreateUin: everything in an account is its root account's; another creator has made nothing. */
export const createdBy = (uin: string, createUin: number | undefined): boolean => createUin === undefined || createUin === 0 || String(createUin) === uin;

/** ServiceType, ResourcePrefix and ResourceRegion of the by-resource queries, checked as the tag service does. */
export function checkResourceType(ctx: ActionContext, req: { ServiceType?: string; ResourcePrefix?: string; ResourceRegion?: string }): void {
  if (req.ServiceType !== undefined && !/^[a-z][a-z0-9_-]*$/.test(req.ServiceType)) throw new ApiError('InvalidParameterValue.ServiceTypeInvalid', `ServiceType "${req.ServiceType}" is not a service type (e.g. postgres, vpc, cvm).`);
  if (req.ResourcePrefix !== undefined && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(req.ResourcePrefix))
    throw new ApiError('InvalidParameterValue.ResourcePrefixInvalid', `ResourcePrefix "${req.ResourcePrefix}" is not a resource prefix (e.g. DBInstanceId, vpc, subnet, sg).`);
  if (req.ResourceRegion !== undefined && req.ResourceRegion !== '' && !ctx.catalog.region(req.ResourceRegion))
    throw new ApiError('InvalidParameterValue.RegionInvalid', `ResourceRegion "${req.ResourceRegion}" is not a region.`);
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** One TagResource of the by-resource queries. */
export const tagResourceView = (t: ResourceTag): Record<string, unknown> => ({
  TagKey: t.key, TagValue: t.value, ResourceId: t.id, TagKeyMd5: md5(t.key), TagValueMd5: md5(t.value), ServiceType: t.service, Category: 'Custom',
});
