// AddResourceTag: binds one tag to one resource (Terraform's tencentcloud_tag_attachment); a key the
// resource already carries is refused (ModifyResourceTags changes values).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { resourceTags } from '../../../store/tags.ts';
import { bindTags, checkTagPairs, resolveResource, VERSION } from '../common.ts';

export default defineAction<{ TagKey: string; TagValue: string; Resource: string }, Record<string, never>>({
  service: 'tag',
  version: VERSION,
  name: 'AddResourceTag',
  regionRequired: false,
  request: {
    TagKey: { type: 'string', required: true, description: 'Key.' },
    TagValue: { type: 'string', required: true, description: 'Value.' },
    Resource: { type: 'string', required: true, description: 'Six-segment resource name.' },
  },
  async handle(ctx, req) {
    const pair = { TagKey: req.TagKey, TagValue: req.TagValue };
    checkTagPairs([pair], { allowEmptyValue: true });
    await ctx.db.transaction().execute(async (trx) => {
      const key = await resolveResource(trx, ctx.account.uin, req.Resource);
      const bound = await resourceTags(trx, ctx.account.uin, { ...key, ids: [key.id], keys: [req.TagKey] });
      if (bound.length) throw new ApiError('ResourceInUse.TagKeyAttached', `Resource ${req.Resource} already carries tag key "${req.TagKey}" (value "${bound[0]!.value}").`);
      await bindTags(trx, ctx, key, [pair], []);
    });
    return {};
  },
});
