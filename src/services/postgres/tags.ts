// An instance's TagList: the store's resource tags of qcs::postgres:<region>:uin/<uin>:DBInstanceId/<id>,
// the same rows the tag service reads and writes.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { ApiError } from '../../core/errors.ts';
import { TAG_LIMITS, TAG_PROBLEM_TEXT, tagKeyProblem, tagValueProblem, type TagPair } from '../../core/tags.ts';
import { tagsById, type ResourceKey } from '../../store/tags.ts';

export const instanceResource = (region: string, id: string): ResourceKey => ({ service: 'postgres', region, prefix: 'DBInstanceId', id });

export function instanceTags(db: Kysely<Database>, uin: string, region: string, ids: string[]): Promise<Map<string, TagPair[]>> {
  return tagsById(db, uin, { service: 'postgres', region, prefix: 'DBInstanceId' }, ids);
}

/**
 * CreateInstances' TagList, with the tag service's naming rules (src/core/tags.ts) and postgres' error
 * codes; an empty value is taken, as before tags were checked by those rules.
 */
export function checkTagList(tags: TagPair[]): void {
  if (tags.length > TAG_LIMITS.perResource) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `TagList takes at most ${TAG_LIMITS.perResource} tags.`);
  const keys = new Set<string>();
  for (const t of tags) {
    const problem = tagKeyProblem(t.TagKey) ?? tagValueProblem(t.TagValue, true);
    if (problem === 'keyEmpty' || problem === 'keyLength' || problem === 'valueLength')
      throw new ApiError('InvalidParameterValue.ParameterLengthLimitError', `Tag "${t.TagKey}": ${TAG_PROBLEM_TEXT[problem]}.`);
    if (problem) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Tag "${t.TagKey}": ${TAG_PROBLEM_TEXT[problem]}.`);
    if (keys.has(t.TagKey)) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `TagKey "${t.TagKey}" is given twice.`);
    keys.add(t.TagKey);
  }
}
