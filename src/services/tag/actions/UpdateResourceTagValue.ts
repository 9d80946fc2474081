// UpdateResourceTagValue: gives a tag key a resource carries another value.
import { defineAction } from '../../../core/action.ts';
import { attachedKeyNotFound, bindOneTag, VERSION } from '../common.ts';

export default defineAction<{ TagKey: string; TagValue: string; Resource: string }, Record<string, never>>({
  service: 'tag',
  version: VERSION,
  name: 'UpdateResourceTagValue',
  regionRequired: false,
  request: {
    TagKey: { type: 'string', required: true, description: 'Key the resource carries.' },
    TagValue: { type: 'string', required: true, description: 'Its new value.' },
    Resource: { type: 'string', required: true, description: 'Six-segment resource name.' },
  },
  async handle(ctx, req) {
    await bindOneTag(ctx, req, (bound) => (bound === undefined ? attachedKeyNotFound(req.Resource, req.TagKey) : undefined));
    return {};
  },
});
