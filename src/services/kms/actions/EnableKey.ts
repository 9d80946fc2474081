// EnableKey: a disabled key can be used again (a key pending deletion stays pending).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getKey, ownKey, VERSION } from '../common.ts';

export default defineAction<{ KeyId: string }, Record<string, never>>({
  service: 'kms',
  version: VERSION,
  name: 'EnableKey',
  request: {
    KeyId: { type: 'string', required: true, description: 'CMK ID.' },
    MemberAccount: { type: { object: {} }, description: 'Trusted-service member account (not supported).' },
  },
  async handle(ctx, req) {
    const key = await getKey(ctx, req.KeyId);
    ownKey(key);
    if (key.key_state === 'PendingDelete') throw new ApiError('ResourceUnavailable.CmkStateNotSupport', `CMK ${key.key_id} is pending deletion; it cannot be enabled.`);
    await ctx.db.updateTable('kms_keys').set({ key_state: 'Enabled', updated_at: ctx.clock.now().toISOString() }).where('key_id', '=', key.key_id).execute();
    return {};
  },
});
