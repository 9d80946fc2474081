// EnableKey: a disabled key can be used again (a key pending deletion stays pending).
import { defineAction } from '../../../core/action.ts';
import { KEY_ID_REQUEST, setKeyState, VERSION } from '../common.ts';

export default defineAction<{ KeyId: string }, Record<string, never>>({
  service: 'kms',
  version: VERSION,
  name: 'EnableKey',
  request: KEY_ID_REQUEST,
  async handle(ctx, req) {
    await setKeyState(ctx, req.KeyId, 'Enabled');
    return {};
  },
});
