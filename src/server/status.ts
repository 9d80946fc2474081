// Unauthenticated status routes: /healthz, and /metrics in the Prometheus text format (instance
// counts read from the store at scrape time).
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/db.ts';
import { registry as metricsRegistry, setInstanceStatusSource } from '../core/metrics.ts';
import { asIs } from './replies.ts';

export function registerStatus(app: FastifyInstance, db: Store): void {
  app.get('/healthz', (_request, reply) => {
    reply.header('content-type', 'application/json').send('{"status":"ok"}');
  });

  const unsetStatusSource = setInstanceStatusSource(async () => {
    const rows = await db.selectFrom('instances').select(['status', db.fn.countAll<number>().as('count')]).groupBy('status').execute();
    return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
  });
  app.addHook('onClose', async () => unsetStatusSource());
  app.get('/metrics', async (_request, reply) => {
    const text = await metricsRegistry.metrics();
    return reply.header('content-type', metricsRegistry.contentType).serializer(asIs).send(text);
  });
}
