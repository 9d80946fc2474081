// The API 3.0 route, `/` for every method: a request goes through the stages
//   envelope (method, size, common parameters) → authenticate (key, timestamp, signature) →
//   resolve action (name, version, service) → region → rate limit → parameters → invoke
// and always comes back as HTTP 200 `{"Response": {..., "RequestId"}}`, errors included.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ActionContext, ActionDefinition } from '../core/action.ts';
import { KeyCache } from './keys.ts';
import { RateLimiter, rateLimitOf } from './ratelimit.ts';
import type { Replies } from './replies.ts';
import { newTrace, type Trace } from './trace.ts';
import type { ServerDeps } from './deps.ts';
import { readEnvelope } from './stages/envelope.ts';
import { authenticate } from './stages/authenticate.ts';
import { ActionIndex, resolveAction } from './stages/resolve-action.ts';
import { DEFAULT_REGIONS, checkRegion } from './stages/region.ts';
import { checkRateLimit } from './stages/rate-limit.ts';
import { readParameters } from './stages/parameters.ts';
import { invoke } from './stages/invoke.ts';

export function registerApi(app: FastifyInstance, deps: ServerDeps, index: ActionIndex, replies: Replies): void {
  const { config, db, box, catalog, log, clock } = deps;
  const keys = new KeyCache(db, box);
  const limiter = new RateLimiter();
  const regions = new Set(catalog.regions.length > 0 ? catalog.regions.map((r) => r.Region) : DEFAULT_REGIONS);

  async function serveApi(request: FastifyRequest, trace: Trace): Promise<Record<string, unknown>> {
    const envelope = readEnvelope(request, trace);
    const account = await authenticate(envelope, trace, keys, deps.signatureClock ?? clock);
    const def = resolveAction(envelope, request, index, trace);
    const region = checkRegion(envelope, def, regions);
    checkRateLimit(limiter, account, region, def, rateLimitOf(def, config));
    const req = readParameters(envelope, def);
    return invoke(def, actionContext(deps, log, def, account, region, trace), req);
  }

  app.all('/', async (request, reply) => {
    const trace = newTrace(request);
    try {
      const res = await serveApi(request, trace);
      const body = JSON.stringify({ Response: { ...res, RequestId: trace.requestId } });
      replies.logLine(trace, 'Success');
      return replies.send(request, reply, body);
    } catch (e) {
      return replies.sendError(request, reply, trace, e);
    }
  });
}

function actionContext(deps: ServerDeps, log: Logger, def: ActionDefinition, account: ActionContext['account'], region: string, trace: Trace): ActionContext {
  let childLog: Logger | undefined;
  return {
    account,
    region,
    requestId: trace.requestId,
    language: trace.language,
    db: deps.db,
    clock: deps.clock,
    config: deps.config,
    catalog: deps.catalog,
    // Made on first use: most handlers never log, and a pino child costs more than the rest of the context.
    get log() {
      return (childLog ??= log.child({ requestId: trace.requestId, action: def.name }));
    },
    wakeReconciler: deps.wakeReconciler,
    instanceCatalog: deps.instanceCatalog,
    instanceLogs: deps.instanceLogs,
  };
}
