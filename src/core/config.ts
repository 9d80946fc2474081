// Service configuration: flags of `pgcloud serve` win over the environment, which wins over defaults.
import path from 'node:path';
import os from 'node:os';
import { parseDuration } from './billing/period.ts';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** Key pair given to the default account on first start (PGCLOUD_SECRET_ID / PGCLOUD_SECRET_KEY). */
  secretId?: string;
  secretKey?: string;
  /** Requests per second per account for actions without a documented limit. */
  defaultRateLimit: number;
  /** Multiplies every request-rate limit (PGCLOUD_RATE_LIMIT_SCALE, default 1 = the documented figures; more for load tests). */
  rateLimitScale: number;
  /** How many instances the reconciler provisions at once. */
  provisionConcurrency: number;
  /** Log level for pino ("info", "warn", "silent", ...). */
  logLevel: string;
  /** PostgreSQL majors whose templates are made in the background at start ("all", "none" or "15,16"). */
  prewarm: string;
  /** Loopback range from which instances get their own address (each listens on instancePort there). */
  addressPool: string;
  instancePort: number;
  /** Billing: balance in cents a new account starts with (PGCLOUD_INITIAL_BALANCE). */
  initialBalance: number;
  /** Billing: how long an account may stay in arrears before its pay-as-you-go instances are isolated, ms (PGCLOUD_ARREARS_GRACE, e.g. "24h"). */
  arrearsGraceMs: number;
  /** Billing: how long an isolated (expired or in arrears) instance is kept before it is destroyed, ms (PGCLOUD_RETENTION, e.g. "7d"). */
  retentionMs: number;
  /**
   * Multiplies each instance's storage quota (Storage GB) before the reconciler compares it with the
   * instance's size on disk (1 = the real quota). Below 1 it lets tests and demos reach the quota with
   * megabytes instead of gigabytes (PGCLOUD_STORAGE_QUOTA_SCALE).
   */
  storageQuotaScale: number;
  /**
   * High availability: whether CreateInstances without DBNodeSet gives the instance a standby in its own
   * zone, as the real service does (PGCLOUD_DEFAULT_STANDBY, default on; 0 makes single-node the default).
   */
  defaultStandby: boolean;
  /** Semi-sync: how long the standby may be gone before commits stop waiting for it, ms (PGCLOUD_SEMISYNC_FALLBACK_MS). */
  semisyncFallbackMs: number;
  /**
   * Health checks of settled instances per second (PGCLOUD_HEALTH_CHECKS_PER_SECOND, default 100): the
   * reconciler sweeps them in slices of this many, so an idle host's cost per second does not grow with
   * its instances; a server this service started that exits is checked at once.
   */
  healthChecksPerSecond: number;
}

const int = (v: string | undefined, fallback: number): number => {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  return Number.isInteger(n) ? n : fallback;
};

/** A duration like "24h", "7d", "90s" or a number of milliseconds (see core/billing/period.ts). */
const duration = (v: string | undefined, fallback: number): number => {
  if (v === undefined || v === '') return fallback;
  const d = parseDuration(v);
  return d && d.months === 0 ? d.ms : d ? d.months * 30 * 24 * 3600_000 + d.ms : fallback;
};

const positive = (v: string | undefined, fallback: number): number => {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
};

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const base: Config = {
    host: env.PGCLOUD_HOST || '127.0.0.1',
    port: int(env.PGCLOUD_PORT, 8432),
    dataDir: path.resolve(env.PGCLOUD_DATA_DIR || './.pgcloud'),
    secretId: env.PGCLOUD_SECRET_ID || undefined,
    secretKey: env.PGCLOUD_SECRET_KEY || undefined,
    defaultRateLimit: int(env.PGCLOUD_DEFAULT_RATE_LIMIT, 20),
    rateLimitScale: positive(env.PGCLOUD_RATE_LIMIT_SCALE, 1),
    provisionConcurrency: Math.min(10, int(env.PGCLOUD_PROVISION_CONCURRENCY, cores * 2)),
    logLevel: env.PGCLOUD_LOG_LEVEL || 'info',
    prewarm: env.PGCLOUD_PREWARM || 'all',
    addressPool: env.PGCLOUD_ADDRESS_POOL || '127.48.0.0/16',
    instancePort: int(env.PGCLOUD_INSTANCE_PORT, 5432),
    initialBalance: int(env.PGCLOUD_INITIAL_BALANCE, 100_000_000),
    arrearsGraceMs: duration(env.PGCLOUD_ARREARS_GRACE, 24 * 3600_000),
    retentionMs: duration(env.PGCLOUD_RETENTION, 7 * 24 * 3600_000),
    storageQuotaScale: positive(env.PGCLOUD_STORAGE_QUOTA_SCALE, 1),
    defaultStandby: !['0', 'false', 'off', 'no'].includes((env.PGCLOUD_DEFAULT_STANDBY ?? '').toLowerCase()),
    semisyncFallbackMs: duration(env.PGCLOUD_SEMISYNC_FALLBACK_MS, 5000),
    healthChecksPerSecond: Math.max(1, int(env.PGCLOUD_HEALTH_CHECKS_PER_SECOND, 100)),
  };
  const merged = { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  merged.dataDir = path.resolve(merged.dataDir);
  return merged as Config;
}
