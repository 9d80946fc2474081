// TagResources: binds tags to postgres instances (a key already on an instance takes the new value).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getInstance } from '../../../store/instances.ts';
import { parseResource, rememberTags, VERSION, type TagPair } from '../common.ts';

export default defineAction<{ ResourceList: string[]; Tags: TagPair[] }, Record<string, never>>({
  service: 'tag',
  version: VERSION,
  name: 'TagResources',
  regionRequired: false,
  request: {
    ResourceList: { type: { array: 'string' }, required: true, description: 'Six-segment resource names, at most 10.' },
    Tags: { type: { array: { object: { TagKey: { type: 'string', required: true, description: 'Key.' }, TagValue: { type: 'string', required: true, description: 'Value.' } } } }, required: true, description: 'Tags, at most 10.' },
  },
  async handle(ctx, req) {
    if (req.ResourceList.length < 1 || req.ResourceList.length > 10 || req.Tags.length < 1 || req.Tags.length > 10)
      throw new ApiError('InvalidParameterValue', 'ResourceList and Tags take 1 to 10 entries each.');
    for (const t of req.Tags)
      if (!t.TagKey || t.TagKey.length > 127 || t.TagValue.length > 255) throw new ApiError('InvalidParameterValue.TagKeyLengthExceeded', 'A TagKey must be 1-127 characters and a TagValue at most 255.');
    const now = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      for (const name of req.ResourceList) {
        const { id } = parseResource(name, ctx.account.uin);
        const row = await getInstance(trx, ctx.account.uin, id);
        if (!row) throw new ApiError('ResourceNotFound', `Resource ${name} does not exist.`);
        const tags = JSON.parse(row.tags) as TagPair[];
        for (const t of req.Tags) {
          const i = tags.findIndex((x) => x.TagKey === t.TagKey);
          if (i >= 0) tags[i] = { TagKey: t.TagKey, TagValue: t.TagValue };
          else tags.push({ TagKey: t.TagKey, TagValue: t.TagValue });
        }
        if (tags.length > 50) throw new ApiError('LimitExceeded.ResourceAttachedTags', `Resource ${name} would carry more than 50 tags.`);
        await trx.updateTable('instances').set({ tags: JSON.stringify(tags) }).where('id', '=', id).execute();
      }
      await rememberTags(trx, ctx.account.uin, req.Tags, now);
    });
    return {};
  },
});
