// DescribeTags: the account's tags (made by CreateTag or by binding them), sorted by key and value,
// each with CanDelete 0 while bound to a resource.
import { defineAction } from '../../../core/action.ts';
import { VERSION } from '../common.ts';
import { DESCRIBE_TAGS_FIELDS, describeTags, type DescribeTagsRequest } from '../listing.ts';

export default defineAction<DescribeTagsRequest, { TotalCount: number; Offset: number; Limit: number; Tags: Record<string, unknown>[] }>({
  service: 'tag',
  version: VERSION,
  name: 'DescribeTags',
  regionRequired: false,
  request: { ...DESCRIBE_TAGS_FIELDS },
  handle: (ctx, req) => describeTags(ctx, req, 'sorted'),
});
