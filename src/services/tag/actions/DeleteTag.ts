// DeleteTag: removes a tag (key and value) from the account; refused while a resource carries it.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { removeFromCatalogue, resourceTags } from '../../../store/tags.ts';
import { tagKeyProblem, tagValueProblem } from '../../../core/tags.ts';
import { tagProblemError, VERSION } from '../common.ts';

export default defineAction<{ TagKey: string; TagValue: string }, Record<string, never>>({
  service: 'tag',
  version: VERSION,
  name: 'DeleteTag',
  regionRequired: false,
  request: {
    TagKey: { type: 'string', required: true, description: 'Key of the tag to delete.' },
    TagValue: { type: 'string', required: true, description: 'Value of the tag to delete.' },
  },
  async handle(ctx, req) {
    const pair = { TagKey: req.TagKey, TagValue: req.TagValue };
    // A reserved key is no error here: no such tag exists. An empty value can (ModifyResourceTags takes one).
    const keyProblem = tagKeyProblem(req.TagKey);
    if (keyProblem && keyProblem !== 'keyReserved') throw tagProblemError(keyProblem, `TagKey "${req.TagKey}"`);
    const valueProblem = tagValueProblem(req.TagValue, true);
    if (valueProblem) throw tagProblemError(valueProblem, `TagValue "${req.TagValue}"`);
    await ctx.db.transaction().execute(async (trx) => {
      const found = await trx.selectFrom('tag_catalog').select('tag_key').where('uin', '=', ctx.account.uin).where('tag_key', '=', req.TagKey).where('tag_value', '=', req.TagValue).executeTakeFirst();
      if (!found) throw new ApiError('ResourceNotFound.TagNonExist', `Tag ${req.TagKey}:${req.TagValue} does not exist.`);
      const bound = (await resourceTags(trx, ctx.account.uin, { keys: [req.TagKey] })).filter((t) => t.value === req.TagValue);
      if (bound.length) throw new ApiError('FailedOperation.TagAttachedResource', `Tag ${req.TagKey}:${req.TagValue} is bound to ${bound.length} resource(s) (e.g. ${bound[0]!.resource}); unbind it first.`);
      await removeFromCatalogue(trx, ctx.account.uin, pair);
    });
    return {};
  },
});
