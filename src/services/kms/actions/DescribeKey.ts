// DescribeKey: a key's metadata.
import { defineAction } from '../../../core/action.ts';
import { getKey, keyMetadata, VERSION } from '../common.ts';

export default defineAction<{ KeyId: string }, { KeyMetadata: Record<string, unknown> }>({
  service: 'kms',
  version: VERSION,
  name: 'DescribeKey',
  request: {
    KeyId: { type: 'string', required: true, description: 'CMK ID.' },
    MemberAccount: { type: { object: {} }, description: 'Trusted-service member account (not supported).' },
  },
  async handle(ctx, req) {
    return { KeyMetadata: keyMetadata(await getKey(ctx, req.KeyId), ctx.account.uin) };
  },
});
