// UnTagResources: unbinds tag keys from resources (a key the resource does not carry is no error);
// the tags stay in the account (DeleteTag removes them).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { bindTags, checkTagKey, resolveResource, VERSION } from '../common.ts';

export default defineAction<{ ResourceList: string[]; TagKeys: string[] }, { FailedResources: unknown[] }>({
  service: 'tag',
  version: VERSION,
  name: 'UnTagResources',
  regionRequired: false,
  request: {
    ResourceList: { type: { array: 'string' }, required: true, description: 'Six-segment resource names, at most 10.' },
    TagKeys: { type: { array: 'string' }, required: true, description: 'Keys to remove, at most 10.' },
  },
  async handle(ctx, req) {
    if (req.ResourceList.length < 1 || req.ResourceList.length > 10) throw new ApiError('LimitExceeded.ResourceNumPerRequest', 'ResourceList takes 1 to 10 resources.');
    if (req.TagKeys.length < 1 || req.TagKeys.length > 10) throw new ApiError('LimitExceeded.TagNumPerRequest', 'TagKeys takes 1 to 10 keys.');
    for (const k of req.TagKeys) checkTagKey(k);
    await ctx.db.transaction().execute(async (trx) => {
      for (const name of req.ResourceList) await bindTags(trx, ctx, await resolveResource(trx, ctx.account.uin, name), [], req.TagKeys);
    });
    return { FailedResources: [] };
  },
});
