// DescribeTagsSeq: DescribeTags in sequence, the tags in the order they came to exist.
import { defineAction } from '../../../core/action.ts';
import { VERSION } from '../common.ts';
import { DESCRIBE_TAGS_FIELDS, describeTags, type DescribeTagsRequest } from '../listing.ts';

export default defineAction<DescribeTagsRequest, { TotalCount: number; Offset: number; Limit: number; Tags: Record<string, unknown>[] }>({
  service: 'tag',
  version: VERSION,
  name: 'DescribeTagsSeq',
  regionRequired: false,
  request: { ...DESCRIBE_TAGS_FIELDS },
  handle: (ctx, req) => describeTags(ctx, req, 'created'),
});
