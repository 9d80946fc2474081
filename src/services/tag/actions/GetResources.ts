// GetResources: the account's tagged resources with all their tags, narrowed by TagFilters (each
// filter's values OR-ed, filters AND-ed; a filter without values matches any value of its key) or
// named by ResourceList (then every match is answered at once, under the name given).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { canonicalName, resourceTags, type ResourceTag } from '../../../store/tags.ts';
import { checkTagKey, resolveResource, tokenFields, tokenPage, VERSION } from '../common.ts';

interface Request {
  ResourceList?: string[];
  TagFilters?: Array<{ TagKey: string; TagValue?: string[] }>;
  PaginationToken?: string;
  MaxResults?: number;
}

export default defineAction<Request, { PaginationToken: string; ResourceTagMappingList: Record<string, unknown>[] }>({
  service: 'tag',
  version: VERSION,
  name: 'GetResources',
  regionRequired: false,
  request: {
    ResourceList: { type: { array: 'string' }, description: 'Six-segment resource names, at most 10.' },
    TagFilters: {
      type: { array: { object: { TagKey: { type: 'string', required: true, description: 'Key.' }, TagValue: { type: { array: 'string' }, description: 'Values, OR-ed, at most 10.' } } } },
      description: 'Tag filters, AND-ed, at most 6.',
    },
    ...tokenFields(200),
  },
  async handle(ctx, req) {
    const page = tokenPage(req, 200);
    const filters = req.TagFilters ?? [];
    if (filters.length > 6) throw new ApiError('LimitExceeded.TagNumPerRequest', 'TagFilters takes at most 6 filters.');
    const seen = new Set<string>();
    for (const f of filters) {
      checkTagKey(f.TagKey);
      if (seen.has(f.TagKey)) throw new ApiError('InvalidParameterValue.TagKeyDuplicate', `TagFilters names key "${f.TagKey}" twice.`);
      seen.add(f.TagKey);
      if ((f.TagValue?.length ?? 0) > 10) throw new ApiError('InvalidParameter.Tag', `A tag filter takes at most 10 values (key "${f.TagKey}").`);
    }
    if ((req.ResourceList?.length ?? 0) > 10) throw new ApiError('LimitExceeded.ResourceNumPerRequest', 'ResourceList takes at most 10 resources.');
    // Resources by canonical name, with the name to answer them under.
    const named = new Map<string, string>();
    for (const name of req.ResourceList ?? []) named.set(canonicalName(ctx.account.uin, await resolveResource(ctx.db, ctx.account.uin, name)), name);

    const byResource = new Map<string, ResourceTag[]>();
    for (const t of await resourceTags(ctx.db, ctx.account.uin)) {
      if (named.size && !named.has(t.resource)) continue;
      if (!byResource.has(t.resource)) byResource.set(t.resource, []);
      byResource.get(t.resource)!.push(t);
    }
    const matches = [...byResource.entries()].filter(([, tags]) =>
      filters.every((f) => tags.some((t) => t.key === f.TagKey && (!f.TagValue?.length || f.TagValue.includes(t.value)))),
    );
    const view = ([resource, tags]: [string, ResourceTag[]]) => ({
      Resource: named.get(resource) ?? resource,
      Tags: tags.map((t) => ({ TagKey: t.key, TagValue: t.value, Category: 'Custom' })),
    });
    if (named.size) return { PaginationToken: '', ResourceTagMappingList: matches.map(view) };
    return { PaginationToken: page.next(matches.length), ResourceTagMappingList: matches.slice(page.offset, page.offset + page.limit).map(view) };
  },
});
