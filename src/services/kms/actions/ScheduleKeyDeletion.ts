// ScheduleKeyDeletion: a disabled key becomes PendingDelete, to be deleted after 7-30 days (it can be
// neither used nor enabled meanwhile). pgcloud keeps the sealed material until then.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getKey, notInUse, ownKey, VERSION } from '../common.ts';

export default defineAction<{ KeyId: string; PendingWindowInDays: number }, { DeletionDate: number; KeyId: string }>({
  service: 'kms',
  version: VERSION,
  name: 'ScheduleKeyDeletion',
  request: {
    KeyId: { type: 'string', required: true, description: 'CMK ID.' },
    PendingWindowInDays: { type: 'integer', required: true, description: 'Days before deletion, 7-30.' },
    MemberAccount: { type: { object: {} }, description: 'Trusted-service member account (not supported).' },
  },
  async handle(ctx, req) {
    const key = await getKey(ctx, req.KeyId);
    ownKey(key);
    if (req.PendingWindowInDays < 7 || req.PendingWindowInDays > 30) throw new ApiError('InvalidParameter.InvalidPendingWindowInDays', 'PendingWindowInDays must be between 7 and 30.');
    if (key.key_state !== 'Disabled') throw new ApiError('ResourceUnavailable.CmkShouldBeDisabled', `CMK ${key.key_id} is ${key.key_state}; disable it before scheduling its deletion.`);
    await notInUse(ctx, key);
    const now = ctx.clock.now();
    const at = new Date(now.getTime() + req.PendingWindowInDays * 86_400_000);
    await ctx.db.updateTable('kms_keys').set({ key_state: 'PendingDelete', deletion_date: at.toISOString(), updated_at: now.toISOString() }).where('key_id', '=', key.key_id).execute();
    return { DeletionDate: Math.floor(at.getTime() / 1000), KeyId: key.key_id };
  },
});
