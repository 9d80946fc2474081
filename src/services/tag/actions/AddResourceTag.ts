// AddResourceTag: binds one tag to one resource (Terraform's tencentcloud_tag_attachment); a key the
// resource already carries is refused (ModifyResourceTags changes values).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { bindOneTag, VERSION } from '../common.ts';

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
    await bindOneTag(ctx, req, (bound) =>
      bound === undefined ? undefined : new ApiError('ResourceInUse.TagKeyAttached', `Resource ${req.Resource} already carries tag key "${req.TagKey}" (value "${bound}").`),
    );
    return {};
  },
});
