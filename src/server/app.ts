// The server: the HTTP transport, then its routes in order — status (/healthz, /metrics), the web
// console (/console), and the API 3.0 gateway (/, see api.ts for its stages).
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../core/config.ts';
import type { Store } from '../store/db.ts';
import type { SecretBox } from '../core/secrets.ts';
import type { Catalog } from '../core/catalog/types.ts';
import type { Clock } from '../core/time.ts';
import type { Registry } from './registry.ts';
import { createReplies } from './replies.ts';
import { createHttpServer } from './http.ts';
import { registerStatus } from './status.ts';
import { registerConsole } from './console.ts';
import { registerApi } from './api.ts';
import { ActionIndex } from './stages/resolve-action.ts';

export { LIMITS } from './http-util.ts';
export { DEFAULT_REGIONS } from './stages/region.ts';
export { KNOWN_SERVICES } from './stages/resolve-action.ts';

export interface ServerDeps {
  config: Config;
  db: Store;
  box: SecretBox;
  catalog: Catalog;
  registry: Registry;
  log: Logger;
  clock: Clock;
  /** Real time for the signature's timestamp check when `clock` is the movable service clock (default: `clock`). */
  signatureClock?: Clock;
  wakeReconciler(): void;
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const index = new ActionIndex(deps.registry);
  const replies = createReplies(deps.log, { action: (name) => index.has(name), service: (name) => index.services.has(name) });
  const app = createHttpServer(deps.log, replies);
  registerStatus(app, deps.db);
  registerConsole(app);
  registerApi(app, deps, index, replies);
  return app;
}
