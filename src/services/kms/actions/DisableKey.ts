// DisableKey: the key can no longer encrypt or decrypt until EnableKey. Refused while a TDE instance depends on it.
import { defineAction } from '../../../core/action.ts';
import { KEY_ID_REQUEST, setKeyState, VERSION } from '../common.ts';

export default defineAction<{ KeyId: string }, Record<string, never>>({
  service: 'kms',
  version: VERSION,
  name: 'DisableKey',
  request: KEY_ID_REQUEST,
  async handle(ctx, req) {
    await setKeyState(ctx, req.KeyId, 'Disabled');
    return {};
  },
});
