// The server: the HTTP transport, then its routes in order — status (/healthz, /metrics), the web
// console (/console), the CA certificates (/ssl/ca/, see ca.ts), and the API 3.0 gateway (/, see api.ts for its stages).
import type { FastifyInstance } from 'fastify';
import { createReplies } from './replies.ts';
import { createHttpServer } from './http.ts';
import { registerStatus } from './status.ts';
import { registerConsole } from './console.ts';
import { registerApi } from './api.ts';
import { registerCa } from './ca.ts';
import { ActionIndex } from './stages/resolve-action.ts';
import type { ServerDeps } from './deps.ts';

export { LIMITS } from './http-util.ts';
export { DEFAULT_REGIONS } from './stages/region.ts';
export { KNOWN_SERVICES } from './stages/resolve-action.ts';
export type { ServerDeps } from './deps.ts';

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const index = new ActionIndex(deps.registry);
  const replies = createReplies(deps.log, { action: (name) => index.has(name), service: (name) => index.services.has(name) });
  const app = createHttpServer(deps.log, replies);
  registerStatus(app, deps.db);
  registerConsole(app);
  registerCa(app, deps.db);
  registerApi(app, deps, index, replies);
  return app;
}
