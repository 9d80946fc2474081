// TagResources: binds tags to resources (a key already on a resource takes the new value); tags that
// do not exist yet are made. All or nothing: one transaction.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { bindTags, checkTagPairs, resolveResource, TAG_FIELD, VERSION, type TagPair } from '../common.ts';

export default defineAction<{ ResourceList: string[]; Tags: TagPair[] }, { FailedResources: unknown[] }>({
  service: 'tag',
  version: VERSION,
  name: 'TagResources',
  regionRequired: false,
  request: {
    ResourceList: { type: { array: 'string' }, required: true, description: 'Six-segment resource names, at most 10.' },
    Tags: { ...TAG_FIELD, required: true, description: 'Tags, at most 10.' },
  },
  async handle(ctx, req) {
    if (req.ResourceList.length < 1 || req.ResourceList.length > 10) throw new ApiError('LimitExceeded.ResourceNumPerRequest', 'ResourceList takes 1 to 10 resources.');
    if (req.Tags.length < 1 || req.Tags.length > 10) throw new ApiError('LimitExceeded.TagNumPerRequest', 'Tags takes 1 to 10 tags.');
    checkTagPairs(req.Tags, { allowEmptyValue: false });
    const tags = req.Tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue }));
    await ctx.db.transaction().execute(async (trx) => {
      for (const name of req.ResourceList) await bindTags(trx, ctx, await resolveResource(trx, ctx.account.uin, name), tags, []);
    });
    return { FailedResources: [] };
  },
});
