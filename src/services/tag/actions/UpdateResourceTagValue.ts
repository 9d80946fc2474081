// UpdateResourceTagValue: gives a tag key a resource carries another value.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { resourceTags } from '../../../store/tags.ts';
import { bindTags, checkTagPairs, resolveResource, VERSION } from '../common.ts';

export default defineAction<{ TagKey: string; TagValue: string; Resource: string }, Record<string, never>>({
  service: 'tag',
  version: VERSION,
  name: 'UpdateResourceTagValue',
  regionRequired: false,
  request: {
    TagKey: { type: 'string', required: true, description: 'Key the resource carries.' },
    TagValue: { type: 'string', required: true, description: 'Its new value.' },
    Resource: { type: 'string', required: true, description: 'Six-segment resource name.' },
  },
  async handle(ctx, req) {
    const pair = { TagKey: req.TagKey, TagValue: req.TagValue };
    checkTagPairs([pair], { allowEmptyValue: true });
    await ctx.db.transaction().execute(async (trx) => {
      const key = await resolveResource(trx, ctx.account.uin, req.Resource);
      const bound = await resourceTags(trx, ctx.account.uin, { ...key, ids: [key.id], keys: [req.TagKey] });
      if (!bound.length) throw new ApiError('ResourceNotFound.AttachedTagKeyNotFound', `Resource ${req.Resource} carries no tag key "${req.TagKey}".`);
      await bindTags(trx, ctx, key, [pair], []);
    });
    return {};
  },
});
