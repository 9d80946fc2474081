// Stage 5, the rate limit: requests per second per account and action.
import type { Account, ActionDefinition } from '../../core/action.ts';
import { fail } from '../gateway-error.ts';
import type { RateLimiter } from '../ratelimit.ts';

export function checkRateLimit(limiter: RateLimiter, account: Account, def: ActionDefinition, limit: number): void {
  if (!limiter.allow(`${account.uin}/${def.service}/${def.name}`, limit)) fail('RequestLimitExceeded', String(limit));
}
