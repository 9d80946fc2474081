// CreateTag: a tag (key and value) of the account that no resource carries yet; DescribeTags and
// GetTags list it (CanDelete 1) until it is deleted.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { addToCatalogue } from '../../../store/tags.ts';
import { checkCatalogueLimits, checkTagPairs, VERSION } from '../common.ts';

export default defineAction<{ TagKey: string; TagValue: string }, Record<string, never>>({
  service: 'tag',
  version: VERSION,
  name: 'CreateTag',
  regionRequired: false,
  request: {
    TagKey: { type: 'string', required: true, description: 'Key, 1-127 characters.' },
    TagValue: { type: 'string', required: true, description: 'Value, 1-255 characters.' },
  },
  async handle(ctx, req) {
    const pair = { TagKey: req.TagKey, TagValue: req.TagValue };
    checkTagPairs([pair], { allowEmptyValue: false, reservedCode: 'InvalidParameterValue.ReservedTagKey' });
    await ctx.db.transaction().execute(async (trx) => {
      const found = await trx.selectFrom('tag_catalog').select('tag_key').where('uin', '=', ctx.account.uin).where('tag_key', '=', req.TagKey).where('tag_value', '=', req.TagValue).executeTakeFirst();
      if (found) throw new ApiError('ResourceInUse.TagDuplicate', `Tag ${req.TagKey}:${req.TagValue} already exists.`);
      await addToCatalogue(trx, ctx.account.uin, [pair], ctx.clock.now().toISOString());
      await checkCatalogueLimits(trx, ctx.account.uin, [req.TagKey]);
    });
    return {};
  },
});
