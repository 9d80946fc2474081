// DisableKey: the key can no longer encrypt or decrypt until EnableKey. Refused while a TDE instance depends on it.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getKey, notInUse, ownKey, VERSION } from '../common.ts';

export default defineAction<{ KeyId: string }, Record<string, never>>({
  service: 'kms',
  version: VERSION,
  name: 'DisableKey',
  request: {
    KeyId: { type: 'string', required: true, description: 'CMK ID.' },
    MemberAccount: { type: { object: {} }, description: 'Trusted-service member account (not supported).' },
  },
  async handle(ctx, req) {
    const key = await getKey(ctx, req.KeyId);
    ownKey(key);
    if (key.key_state === 'PendingDelete') throw new ApiError('ResourceUnavailable.CmkStateNotSupport', `CMK ${key.key_id} is pending deletion.`);
    await notInUse(ctx, key);
    await ctx.db.updateTable('kms_keys').set({ key_state: 'Disabled', updated_at: ctx.clock.now().toISOString() }).where('key_id', '=', key.key_id).execute();
    return {};
  },
});
