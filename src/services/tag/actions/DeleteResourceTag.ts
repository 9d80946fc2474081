// DeleteResourceTag: unbinds one tag key from one resource; the key must be bound to it.
import { defineAction } from '../../../core/action.ts';
import { attachedKeyNotFound, bindTags, boundValue, checkTagKey, resolveResource, VERSION } from '../common.ts';

export default defineAction<{ TagKey: string; Resource: string }, Record<string, never>>({
  service: 'tag',
  version: VERSION,
  name: 'DeleteResourceTag',
  regionRequired: false,
  request: {
    TagKey: { type: 'string', required: true, description: 'Key to unbind.' },
    Resource: { type: 'string', required: true, description: 'Six-segment resource name.' },
  },
  async handle(ctx, req) {
    checkTagKey(req.TagKey);
    await ctx.db.transaction().execute(async (trx) => {
      const key = await resolveResource(trx, ctx.account.uin, req.Resource);
      if ((await boundValue(trx, ctx.account.uin, key, req.TagKey)) === undefined) throw attachedKeyNotFound(req.Resource, req.TagKey);
      await bindTags(trx, ctx, key, [], [req.TagKey]);
    });
    return {};
  },
});
