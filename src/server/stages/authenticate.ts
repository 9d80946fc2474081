// Stage 2, authentication: the timestamp, the key (active, of an account), the clock skew, the signature.
import type { Account } from '../../core/action.ts';
import type { Clock } from '../../core/time.ts';
import { fail } from '../gateway-error.ts';
import type { KeyCache } from '../keys.ts';
import type { Trace } from '../trace.ts';
import type { Envelope } from './envelope.ts';

const MAX_SKEW_S = 300;

export async function authenticate(envelope: Envelope, trace: Trace, keys: KeyCache, clock: Clock): Promise<Account> {
  const { timestamp, names } = envelope;
  if (timestamp === undefined || timestamp === '') return fail('MissingParameter', names.timestamp);
  if (!/^\d{1,12}$/.test(timestamp)) fail('InvalidParameter#timestamp', names.timestamp);
  const key = await keys.active(envelope.secretId);
  if (!key) return fail('AuthFailure.SecretIdNotFound');
  trace.uin = key.uin;
  const skew = Math.abs(clock.now().getTime() / 1000 - Number(timestamp));
  if (skew > MAX_SKEW_S) fail('AuthFailure.SignatureExpire');
  if (!envelope.verify(key.secretKey)) fail('AuthFailure.SignatureFailure');
  return { uin: key.uin, appId: key.appId };
}
