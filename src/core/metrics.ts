// Prometheus metrics of the service, in one place. The gateway counts requests, the reconciler
// observes provisioning and its backlog, and the instance gauge asks its source (the store, wired
// by the server) at scrape time. One registry per process: `pgcloud serve` runs one service.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'pgcloud_' });

/** API requests by service, action and result code ("Success" or the error code). */
export const apiRequests = new Counter({
  name: 'pgcloud_api_requests_total',
  help: 'API requests by service, action and result code',
  labelNames: ['service', 'action', 'code'] as const,
  registers: [registry],
});

/** Time from the request's arrival to its answer, by action. */
export const apiRequestDuration = new Histogram({
  name: 'pgcloud_api_request_duration_seconds',
  help: 'API request latency by action',
  labelNames: ['action'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/** Time from CreateInstances (status applying) to running, per instance. */
export const provisioningDuration = new Histogram({
  name: 'pgcloud_provisioning_duration_seconds',
  help: 'Time from an instance being created (applying) to running',
  buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
  registers: [registry],
});

/** Time a failover takes, from the primary found dead to the promoted standby serving at the instance's address. */
export const failoverDuration = new Histogram({
  name: 'pgcloud_failover_duration_seconds',
  help: 'Time from a primary failure to the promoted standby serving',
  buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
  registers: [registry],
});

/** Reconcile attempts that failed and will be retried (or gave up): a healthy service keeps this at 0. */
export const reconcileFailures = new Counter({
  name: 'pgcloud_reconcile_failures_total',
  help: 'Reconcile attempts of an instance that failed',
  registers: [registry],
});

/** Instances the reconciler has queued or is working on. */
export const reconcilerBacklog = new Gauge({
  name: 'pgcloud_reconciler_backlog',
  help: 'Instances queued or in flight in the reconciler',
  registers: [registry],
});

type StatusCounts = () => Promise<Array<{ status: string; count: number }>>;
let statusSource: StatusCounts | undefined;

/** Instances by DBInstanceStatus, read from the store when scraped. */
export const instancesByStatus = new Gauge({
  name: 'pgcloud_instances',
  help: 'Instances by status',
  labelNames: ['status'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!statusSource) return;
    for (const { status, count } of await statusSource()) this.set({ status }, count);
  },
});

/** Sets where instance counts come from; returns a function that unsets it (when that source closes). */
export function setInstanceStatusSource(source: StatusCounts): () => void {
  statusSource = source;
  return () => {
    if (statusSource === source) statusSource = undefined;
  };
}
