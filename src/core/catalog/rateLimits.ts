// The documented per-action request-rate limits (rate-limits.json), looked up by service and action.
import data from './rate-limits.json' with { type: 'json' };

export interface DocumentedLimit {
  /** Requests per second per account, API and region. */
  perSecond: number;
  /** The vendor's page that documents it. */
  source: string;
  note?: string;
}

const LIMITS = data.limits as Record<string, Record<string, DocumentedLimit>>;

export function documentedRateLimit(service: string, action: string): DocumentedLimit | undefined {
  return Object.hasOwn(LIMITS, service) && Object.hasOwn(LIMITS[service]!, action) ? LIMITS[service]![action] : undefined;
}
