// UnTagResources: removes tag keys from postgres instances.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getInstance } from '../../../store/instances.ts';
import { parseResource, VERSION, type TagPair } from '../common.ts';

export default defineAction<{ ResourceList: string[]; TagKeys: string[] }, Record<string, never>>({
  service: 'tag',
  version: VERSION,
  name: 'UnTagResources',
  regionRequired: false,
  request: {
    ResourceList: { type: { array: 'string' }, required: true, description: 'Six-segment resource names, at most 10.' },
    TagKeys: { type: { array: 'string' }, required: true, description: 'Keys to remove, at most 10.' },
  },
  async handle(ctx, req) {
    if (req.ResourceList.length < 1 || req.ResourceList.length > 10 || req.TagKeys.length < 1 || req.TagKeys.length > 10)
      throw new ApiError('InvalidParameterValue', 'ResourceList and TagKeys take 1 to 10 entries each.');
    await ctx.db.transaction().execute(async (trx) => {
      for (const name of req.ResourceList) {
        const { id } = parseResource(name, ctx.account.uin);
        const row = await getInstance(trx, ctx.account.uin, id);
        if (!row) throw new ApiError('ResourceNotFound', `Resource ${name} does not exist.`);
        const tags = (JSON.parse(row.tags) as TagPair[]).filter((t) => !req.TagKeys.includes(t.TagKey));
        await trx.updateTable('instances').set({ tags: JSON.stringify(tags) }).where('id', '=', id).execute();
      }
    });
    return {};
  },
});
