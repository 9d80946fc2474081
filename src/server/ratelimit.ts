// Per (account, region, action) request-rate limits, the dimension Tencent documents, over a sliding
// 1-second window: a request passes when fewer than `limit` requests passed under the same key in the
// 1000 ms before it (150 requests inside one second against a limit of 100 → 100 pass, wherever the
// second starts). Each key keeps the times of its recent passes in a ring that grows up to `limit`
// entries. In memory: one node.
import type { ActionDefinition } from '../core/action.ts';
import type { Config } from '../core/config.ts';
import { documentedRateLimit } from '../core/catalog/rateLimits.ts';

/**
 * The limit of an action, requests per second: its documented figure (src/core/catalog/rate-limits.json),
 * else the action's own `rateLimit` (test-only actions), else the operator's default; times the
 * operator's scale (PGCLOUD_RATE_LIMIT_SCALE, for load tests), at least 1.
 */
export function rateLimitOf(def: Pick<ActionDefinition, 'service' | 'name' | 'rateLimit'>, config: Pick<Config, 'defaultRateLimit' | 'rateLimitScale'>): number {
  const base = documentedRateLimit(def.service, def.name)?.perSecond ?? def.rateLimit ?? config.defaultRateLimit;
  return Math.max(1, Math.round(base * config.rateLimitScale));
}

const WINDOW_MS = 1000;

class Ring {
  times: Float64Array;
  head = 0; // index of the oldest pass
  size = 0;
  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
  }
  newest(): number {
    return this.size === 0 ? -Infinity : this.times[(this.head + this.size - 1) % this.times.length]!;
  }
}

export class RateLimiter {
  private readonly rings = new Map<string, Ring>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Counts one request under `key` and says whether it is within `limit` per second. */
  allow(key: string, limit: number): boolean {
    const now = this.now();
    if (now - this.lastSweep > 10 * WINDOW_MS) this.sweep(now);
    let ring = this.rings.get(key);
    if (!ring) {
      ring = new Ring(Math.max(1, Math.min(limit, 16)));
      this.rings.set(key, ring);
    }
    const cap = ring.times.length;
    while (ring.size > 0 && ring.times[ring.head]! <= now - WINDOW_MS) {
      ring.head = (ring.head + 1) % cap;
      ring.size--;
    }
    if (ring.size >= limit) return false;
    if (ring.size === cap) this.grow(ring, Math.min(limit, cap * 2));
    ring.times[(ring.head + ring.size) % ring.times.length] = now;
    ring.size++;
    return true;
  }

  private grow(ring: Ring, capacity: number): void {
    const next = new Float64Array(Math.max(capacity, ring.size + 1));
    for (let i = 0; i < ring.size; i++) next[i] = ring.times[(ring.head + i) % ring.times.length]!;
    ring.times = next;
    ring.head = 0;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, ring] of this.rings) if (ring.newest() <= now - WINDOW_MS) this.rings.delete(key);
  }
}
