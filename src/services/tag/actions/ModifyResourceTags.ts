// ModifyResourceTags: on one resource, binds ReplaceTags (new keys added, bound keys take the new
// value) and unbinds DeleteTags, in one transaction; what the Terraform provider sets every resource's
// tags with. Unbinding a key the resource does not carry is no error.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { bindTags, checkTagKey, checkTagPairs, resolveResource, TAG_FIELD, VERSION, type TagPair } from '../common.ts';

interface Request {
  Resource: string;
  ReplaceTags?: TagPair[];
  DeleteTags?: Array<{ TagKey: string }>;
}

export default defineAction<Request, Record<string, never>>({
  service: 'tag',
  version: VERSION,
  name: 'ModifyResourceTags',
  regionRequired: false,
  request: {
    Resource: { type: 'string', required: true, description: 'Six-segment resource name.' },
    ReplaceTags: { ...TAG_FIELD, description: 'Tags to bind or change, at most 10 (absent, or not empty).' },
    DeleteTags: { type: { array: { object: { TagKey: { type: 'string', required: true, description: 'Key.' } } } }, description: 'Keys to unbind, at most 10 (absent, or not empty).' },
  },
  async handle(ctx, req) {
    if (req.ReplaceTags === undefined && req.DeleteTags === undefined) throw new ApiError('MissingParameter', 'ModifyResourceTags needs ReplaceTags or DeleteTags.');
    for (const [name, list] of [['ReplaceTags', req.ReplaceTags], ['DeleteTags', req.DeleteTags]] as const)
      if (list !== undefined && (list.length === 0 || list.length > 10)) throw new ApiError('InvalidParameter.Tag', `${name} takes 1 to 10 tags when given.`);
    const replace = (req.ReplaceTags ?? []).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue }));
    const remove = (req.DeleteTags ?? []).map((t) => t.TagKey);
    checkTagPairs(replace, { allowEmptyValue: true, duplicateCode: 'InvalidParameter.Tag' });
    for (const k of remove) checkTagKey(k);
    const both = remove.find((k) => replace.some((t) => t.TagKey === k));
    if (both !== undefined) throw new ApiError('InvalidParameterValue.DeleteTagsParamError', `TagKey "${both}" is both in ReplaceTags and in DeleteTags.`);
    await ctx.db.transaction().execute(async (trx) => {
      await bindTags(trx, ctx, await resolveResource(trx, ctx.account.uin, req.Resource), replace, remove);
    });
    return {};
  },
});
