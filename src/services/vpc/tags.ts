// Tags of VPCs, subnets, route tables and security groups: the store's resource tags (the same rows the
// tag service reads and writes) under the names the Terraform provider builds for them:
// qcs::vpc:<region>:uin/:vpc/<id>, qcs::vpc:<region>:uin/:subnet/<id>, qcs::vpc:<region>:uin/:rtb/<id>
// and qcs::cvm:<region>:uin/:sg/<id>. Create* take Tags; Describe* answer TagSet and filter on
// tag-key and tag:<key>.
import type { Kysely } from 'kysely';
import type { ActionContext, FieldSpec } from '../../core/action.ts';
import type { Database } from '../../store/schema.ts';
import { ApiError } from '../../core/errors.ts';
import { TAG_LIMITS, TAG_PROBLEM_TEXT, tagKeyProblem, tagValueProblem, type TagPair, type TagProblem } from '../../core/tags.ts';
import { catalogueCounts, changeResourceTags, tagsById, type ResourceKey } from '../../store/tags.ts';

export type VpcTag = { Key: string; Value?: string };

export const vpcResource = (region: string, id: string): ResourceKey => ({ service: 'vpc', region, prefix: 'vpc', id });
export const subnetResource = (region: string, id: string): ResourceKey => ({ service: 'vpc', region, prefix: 'subnet', id });
export const routeTableResource = (region: string, id: string): ResourceKey => ({ service: 'vpc', region, prefix: 'rtb', id });
export const securityGroupResource = (region: string, id: string): ResourceKey => ({ service: 'cvm', region, prefix: 'sg', id });

export const TAGS_FIELD: FieldSpec = {
  type: { array: { object: { Key: { type: 'string', required: true, description: 'Tag key.' }, Value: { type: 'string', description: 'Tag value.' } } } },
  description: 'Tags to bind, e.g. [{"Key": "city", "Value": "shanghai"}].',
};

// The vpc service's codes for the tag rules (CreateVpc, CreateSubnet, CreateSecurityGroup).
const CODES: Record<TagProblem, string> = {
  keyEmpty: 'InvalidParameterValue.TagInvalidKey',
  keyLength: 'InvalidParameterValue.TagInvalidKeyLen',
  keyChars: 'InvalidParameterValue.TagInvalidKey',
  keyReserved: 'UnsupportedOperation.TagSystemReservedTagKey',
  valueEmpty: 'InvalidParameterValue.TagInvalidVal',
  valueLength: 'InvalidParameterValue.TagInvalidVal',
  valueChars: 'InvalidParameterValue.TagInvalidVal',
};

/** Checks Tags of a Create* request (a missing Value is an empty one) and returns them as pairs. */
export function checkVpcTags(tags: VpcTag[] | undefined): TagPair[] {
  const pairs = (tags ?? []).map((t) => ({ TagKey: t.Key, TagValue: t.Value ?? '' }));
  if (pairs.length > TAG_LIMITS.perResource) throw new ApiError('LimitExceeded.TagKeyPerResourceExceeded', `A resource carries at most ${TAG_LIMITS.perResource} tags.`);
  const seen = new Set<string>();
  for (const t of pairs) {
    const problem = tagKeyProblem(t.TagKey) ?? tagValueProblem(t.TagValue, true);
    if (problem) throw new ApiError(CODES[problem], `Tag "${t.TagKey}": ${TAG_PROBLEM_TEXT[problem]}.`);
    if (seen.has(t.TagKey)) throw new ApiError('InvalidParameterValue.TagDuplicateKey', `Tag key "${t.TagKey}" is given twice.`);
    seen.add(t.TagKey);
  }
  return pairs;
}

/** Binds a new resource's tags inside trx, within the tag service's account limits. */
export async function bindVpcTags(trx: Kysely<Database>, ctx: ActionContext, key: ResourceKey, pairs: TagPair[]): Promise<void> {
  if (pairs.length === 0) return;
  await changeResourceTags(trx, ctx.account.uin, key, pairs, [], ctx.clock.now().toISOString());
  const counts = await catalogueCounts(trx, ctx.account.uin, pairs.map((t) => t.TagKey));
  if (counts.keys > TAG_LIMITS.keysPerAccount) throw new ApiError('LimitExceeded.TagKeyExceeded', `An account holds at most ${TAG_LIMITS.keysPerAccount} tag keys.`);
  if (counts.maxValues > TAG_LIMITS.valuesPerKey) throw new ApiError('LimitExceeded.TagQuotaExceeded', `A tag key takes at most ${TAG_LIMITS.valuesPerKey} values.`);
}

/** The tags of resources of one type, by id. */
export const tagsOf = (db: Kysely<Database>, uin: string, type: Omit<ResourceKey, 'id'>, ids: string[]) => tagsById(db, uin, type, ids);

export const tagSetView = (pairs: TagPair[] | undefined): VpcTag[] => (pairs ?? []).map((t) => ({ Key: t.TagKey, Value: t.TagValue }));

/** Whether a filter name is one of the tag filters (tag-key, tag:<key>), and its test over a resource's tags. */
export function tagFilter(name: string): ((tags: TagPair[], value: string) => boolean) | undefined {
  if (name === 'tag-key') return (tags, v) => tags.some((t) => t.TagKey === v);
  if (name.startsWith('tag:') && name.length > 4) {
    const key = name.slice(4);
    return (tags, v) => tags.some((t) => t.TagKey === key && t.TagValue === v);
  }
  return undefined;
}
