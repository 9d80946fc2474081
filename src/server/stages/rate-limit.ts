// Stage 5, the rate limit: requests per second per account, region and action (the dimension Tencent documents).
import type { Account, ActionDefinition } from '../../core/action.ts';
import { fail } from '../gateway-error.ts';
import type { RateLimiter } from '../ratelimit.ts';

export function checkRateLimit(limiter: RateLimiter, account: Account, region: string, def: ActionDefinition, limit: number): void {
  if (!limiter.allow(`${account.uin}/${region}/${def.service}/${def.name}`, limit)) fail('RequestLimitExceeded', String(limit));
}
