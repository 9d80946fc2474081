// The API 3.0 gateway: one route, `/`, for every method. A request goes through
//   method → size → signature (TC3-HMAC-SHA256 or v1) → action and version → region →
//   rate limit → parameters (un-flattened, coerced, validated) → the action's handler
// and always comes back as HTTP 200 `{"Response": {..., "RequestId"}}`, errors included.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../core/config.ts';
import type { Store } from '../store/db.ts';
import type { SecretBox } from '../core/secrets.ts';
import type { Catalog } from '../core/catalog/types.ts';
import type { Clock } from '../core/time.ts';
import type { ActionContext, ActionDefinition } from '../core/action.ts';
import { isApiError } from '../core/errors.ts';
import type { Registry } from './registry.ts';
import { GatewayError, fail } from './gateway-error.ts';
import { message, pickLanguage, type Language } from './messages.ts';
import { fromFlat, fromJson, parseForm, parseJsonBody, type FlatParams } from './params.ts';
import { hasMandatoryHeaders, parseTc3Authorization, utcDate, verifyTc3, verifyV1 } from './signature.ts';
import { KeyCache } from './keys.ts';
import { RateLimiter, rateLimitOf } from './ratelimit.ts';
import { apiRequestDuration, apiRequests, registry as metricsRegistry, setInstanceStatusSource } from '../core/metrics.ts';
import { registerConsole } from './console.ts';

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

/** The regions of the TencentDB for PostgreSQL API reference, used when the catalogue has none. */
export const DEFAULT_REGIONS = [
  'ap-bangkok', 'ap-beijing', 'ap-chengdu', 'ap-chongqing', 'ap-guangzhou', 'ap-hongkong', 'ap-jakarta', 'ap-nanjing', 'ap-seoul',
  'ap-shanghai', 'ap-shanghai-fsi', 'ap-shenzhen-fsi', 'ap-singapore', 'ap-tokyo', 'eu-frankfurt', 'na-ashburn', 'na-siliconvalley', 'sa-saopaulo',
];

/** Services pgcloud emulates (or will): a credential scope or Host label naming one picks it. */
export const KNOWN_SERVICES = ['postgres', 'vpc', 'tag', 'kms', 'billing'];

const KB = 1024;
const MB = 1024 * KB;
/** Documented request size limits per signature method. */
export const LIMITS = { get: 32 * KB, v1Post: 1 * MB, tc3Post: 10 * MB } as const;
const MAX_SKEW_S = 300;

/** v1 parameters that are not the action's own. */
const V1_COMMON = new Set(['Action', 'Version', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature', 'SignatureMethod', 'Token', 'Language', 'RequestClient']);

const ACTION_RE = /^[A-Za-z][A-Za-z0-9]{0,79}$/;
const TRACE_ID_RE = /^[\x21-\x7e]{1,128}$/;

/** What the request log line and the error envelope need to know about a request. */
interface Trace {
  requestId: string;
  language: Language;
  start: number;
  action?: string;
  service?: string;
  uin?: string;
}

const kStart = Symbol('pgcloud.start');
type TimedRequest = FastifyRequest & { [kStart]?: number };

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, db, box, catalog, registry, log, clock } = deps;
  const keys = new KeyCache(db, box);
  const limiter = new RateLimiter();
  const regions = new Set(catalog.regions.length > 0 ? catalog.regions.map((r) => r.Region) : DEFAULT_REGIONS);
  const services = new Set([...KNOWN_SERVICES, ...registry.all().map((d) => d.service)]);
  const byName = new Map<string, ActionDefinition[]>();
  for (const def of registry.all()) byName.set(def.name, [...(byName.get(def.name) ?? []), def]);

  // ---- replies ----------------------------------------------------------------------------

  const newTrace = (request: FastifyRequest | undefined): Trace => ({
    requestId: randomUUID(),
    language: pickLanguage(request?.headers['x-tc-language']),
    start: (request as TimedRequest | undefined)?.[kStart] ?? performance.now(),
  });

  const logLine = (trace: Trace, code: string) => {
    // Metrics: only known action names become labels (a client may send any string).
    const action = trace.action !== undefined && byName.has(trace.action) ? trace.action : 'unknown';
    apiRequests.inc({ service: trace.service !== undefined && services.has(trace.service) ? trace.service : 'unknown', action, code });
    apiRequestDuration.observe({ action }, (performance.now() - trace.start) / 1000);
    log.info(
      { action: trace.action, service: trace.service, uin: trace.uin, requestId: trace.requestId, code, ms: Math.round((performance.now() - trace.start) * 100) / 100 },
      'api request',
    );
  };

  const errorBody = (trace: Trace, code: string, msg: string): string =>
    JSON.stringify({ Response: { Error: { Code: code, Message: msg }, RequestId: trace.requestId } });

  /** The code and message of anything thrown while serving a request. */
  const describe = (trace: Trace, e: unknown): { code: string; msg: string } => {
    if (e instanceof GatewayError) return { code: e.code, msg: message(e.key, trace.language, e.args) };
    if (isApiError(e)) return { code: e.code, msg: e.message };
    log.error({ err: e, requestId: trace.requestId, action: trace.action, service: trace.service, uin: trace.uin }, 'internal error');
    return { code: 'InternalError', msg: message('InternalError', trace.language) };
  };

  const send = (request: FastifyRequest, reply: FastifyReply, body: string) => {
    reply.code(200).header('content-type', 'application/json');
    const traceId = request.headers['x-tc-traceid'];
    if (typeof traceId === 'string' && TRACE_ID_RE.test(traceId)) reply.header('x-tc-traceid', traceId);
    // With a serializer of its own, Fastify sends the string as is and leaves the Content-Type
    // exactly application/json (it would append "; charset=utf-8" otherwise).
    return reply.serializer(asIs).send(body);
  };

  const sendError = (request: FastifyRequest, reply: FastifyReply, trace: Trace, e: unknown) => {
    const { code, msg } = describe(trace, e);
    logLine(trace, code);
    return send(request, reply, errorBody(trace, code, msg));
  };

  // ---- the API ----------------------------------------------------------------------------

  async function serveApi(request: FastifyRequest, trace: Trace): Promise<Record<string, unknown>> {
    const method = request.method;
    if (method !== 'GET' && method !== 'POST') fail('UnsupportedProtocol');
    const url = request.raw.url ?? '/';
    const q = url.indexOf('?');
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    if (method === 'GET' && url.length > LIMITS.get) fail('RequestSizeLimitExceeded', '32 KB');
    const headers = request.headers;
    const body = Buffer.isBuffer(request.body) ? request.body : undefined;
    const contentType = mediaType(headers['content-type']);
    const authorization = headers.authorization;

    // Common parameters and the action's own parameters, per signature method.
    let secretId: string;
    let timestampText: string | undefined;
    let action: string | undefined;
    let version: string | undefined;
    let region: string | undefined;
    let tc3Scope: string | undefined;
    let names: { action: string; version: string; region: string; timestamp: string };
    let input: { flat: FlatParams } | { formText: string } | { json: Buffer | undefined };
    let verify: (secretKey: string) => boolean;

    if (authorization !== undefined) {
      // TC3-HMAC-SHA256: common parameters in X-TC-* headers.
      const auth = parseTc3Authorization(authorization);
      if (!auth) return fail('AuthFailure.InvalidAuthorization');
      if (!hasMandatoryHeaders(auth.signedHeaders)) fail('AuthFailure.InvalidAuthorization#signedHeaders');
      secretId = auth.secretId;
      tc3Scope = auth.service;
      timestampText = header(headers['x-tc-timestamp']);
      action = header(headers['x-tc-action']);
      version = header(headers['x-tc-version']);
      region = header(headers['x-tc-region']);
      names = { action: 'X-TC-Action', version: 'X-TC-Version', region: 'X-TC-Region', timestamp: 'X-TC-Timestamp' };
      // Parsed only once the signature is known good.
      if (method === 'GET') input = { formText: rawQuery };
      else if (contentType === 'application/json') input = { json: body };
      else if (contentType === 'application/x-www-form-urlencoded') input = { formText: body?.toString('utf8') ?? '' };
      else return fail('InvalidParameter#contentType');
      const timestamp = timestampText ?? '';
      verify = (secretKey) => {
        if (auth.date !== utcDate(Number(timestamp))) fail('AuthFailure.SignatureFailure#scopeDate');
        return verifyTc3({ method, rawQuery, headers, body: method === 'POST' ? body : undefined, timestamp, auth, secretKey });
      };
    } else {
      // Signature v1: everything in the query (GET) or the form body (POST).
      let params: FlatParams;
      if (method === 'GET') params = parseForm(rawQuery);
      else if (contentType === 'application/x-www-form-urlencoded') params = parseForm(body?.toString('utf8') ?? '');
      else return fail('AuthFailure.InvalidAuthorization#missing');
      const sid = params.get('SecretId');
      if (!sid || !params.has('Signature')) return fail('AuthFailure.InvalidAuthorization#missing');
      secretId = sid;
      timestampText = params.get('Timestamp');
      action = params.get('Action');
      version = params.get('Version');
      region = params.get('Region');
      if (params.has('Language')) trace.language = pickLanguage(params.get('Language'));
      names = { action: 'Action', version: 'Version', region: 'Region', timestamp: 'Timestamp' };
      const own: FlatParams = new Map();
      for (const [k, v] of params) if (!V1_COMMON.has(k)) own.set(k, v);
      input = { flat: own };
      const host = header(headers.host) ?? '';
      verify = (secretKey) => verifyV1(method, host, params, secretKey);
    }

    if (action) trace.action = action.slice(0, 80);

    // Authentication.
    if (timestampText === undefined || timestampText === '') return fail('MissingParameter', names.timestamp);
    if (!/^\d{1,12}$/.test(timestampText)) fail('InvalidParameter#timestamp', names.timestamp);
    const key = await keys.active(secretId);
    if (!key) return fail('AuthFailure.SecretIdNotFound');
    const account = { uin: key.uin, appId: key.appId };
    trace.uin = account.uin;
    const skew = Math.abs((deps.signatureClock ?? clock).now().getTime() / 1000 - Number(timestampText));
    if (skew > MAX_SKEW_S) fail('AuthFailure.SignatureExpire');
    if (!verify(key.secretKey)) fail('AuthFailure.SignatureFailure');

    // The action.
    if (!action) return fail('MissingParameter', names.action);
    if (!ACTION_RE.test(action)) return fail('InvalidAction', action.slice(0, 80));
    if (!version) return fail('MissingParameter', names.version);
    const hostLabel = (header(headers.host) ?? '').split('.')[0]!.split(':')[0]!.toLowerCase();
    const service = tc3Scope !== undefined && services.has(tc3Scope) ? tc3Scope : services.has(hostLabel) ? hostLabel : undefined;
    // An unknown action is still logged with the service the client addressed (else its raw scope).
    trace.service = service ?? tc3Scope?.slice(0, 32);
    const def = resolve(service, action, version);
    trace.service = def.service;

    // Region: the intl SDK sends the literal "null" when the client has none.
    if (region === 'null') region = undefined;
    if (region) {
      if (!regions.has(region)) fail('UnsupportedRegion', region.slice(0, 64));
    } else if (def.regionRequired !== false) fail('MissingParameter', names.region);

    const limit = rateLimitOf(def, config);
    if (!limiter.allow(`${account.uin}/${region ?? ''}/${def.service}/${def.name}`, limit)) fail('RequestLimitExceeded', String(limit));

    const req =
      'json' in input ? fromJson(parseJsonBody(input.json), def.request) : fromFlat('flat' in input ? input.flat : parseForm(input.formText), def.request);

    let childLog: Logger | undefined;
    const ctx: ActionContext = {
      account,
      region: region ?? '',
      requestId: trace.requestId,
      language: trace.language,
      db,
      clock,
      config,
      catalog,
      // Made on first use: most handlers never log, and a pino child costs more than the rest of the context.
      get log() {
        return (childLog ??= log.child({ requestId: trace.requestId, action: def.name }));
      },
      wakeReconciler: deps.wakeReconciler,
    };
    const res = await def.handle(ctx, req);
    if (typeof res !== 'object' || res === null || Array.isArray(res)) throw new Error(`${def.service}/${def.name} returned ${typeof res}, not an object`);
    return res;
  }

  function resolve(service: string | undefined, action: string, version: string): ActionDefinition {
    if (service !== undefined) {
      const def = registry.get(service, action);
      if (!def) return fail('InvalidAction', action);
      if (def.version !== version) fail('NoSuchVersion', version.slice(0, 32), action);
      return def;
    }
    const candidates = byName.get(action);
    if (!candidates) return fail('InvalidAction', action);
    const atVersion = candidates.filter((d) => d.version === version);
    if (atVersion.length === 0) return fail('NoSuchVersion', version.slice(0, 32), action);
    return atVersion.find((d) => d.service === 'postgres') ?? atVersion[0]!;
  }

  // ---- Fastify ----------------------------------------------------------------------------

  const app = Fastify({
    // Fastify logs nothing itself (no request/response lines): the gateway writes one line per request.
    logger: false,
    requestIdHeader: false,
    // The gateway parses the raw query string itself (signatures cover it as received).
    routerOptions: { querystringParser: () => ({}) },
    exposeHeadRoutes: false,
    return503OnClosing: false,
    bodyLimit: LIMITS.tc3Post,
    // Room for a 32 KB GET request line plus ordinary headers; beyond it, clientErrorHandler.
    http: { maxHeaderSize: 48 * KB },
    frameworkErrors: (err, request, reply) => {
      const trace = newTrace(request);
      log.debug({ code: err.code, requestId: trace.requestId }, 'request refused by the router');
      return sendError(request, reply, trace, new GatewayError('InvalidParameter#request'));
    },
    clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const trace = newTrace(undefined);
      // Only the code: the error carries the raw request bytes (headers with signatures).
      log.debug({ code: err.code, requestId: trace.requestId }, 'malformed HTTP request');
      const key =
        err.code === 'HPE_HEADER_OVERFLOW' ? 'RequestSizeLimitExceeded' : err.code === 'HPE_INVALID_METHOD' ? 'UnsupportedProtocol' : 'InvalidParameter#request';
      const args = key === 'RequestSizeLimitExceeded' ? ['32 KB'] : [];
      const code = key.split('#')[0]!;
      logLine(trace, code);
      if (socket.writable) {
        const body = errorBody(trace, code, message(key, trace.language, args));
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      }
      socket.destroy();
    },
  });

  // Raw bodies: signatures hash the bytes as received.
  app.removeAllContentTypeParsers();
  const raw = (_req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: Buffer) => void) => done(null, body);
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: LIMITS.tc3Post }, raw);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: LIMITS.v1Post }, raw);
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMITS.tc3Post }, raw);

  app.addHook('onRequest', (request, reply, done) => {
    (request as TimedRequest)[kStart] = performance.now();
    // Other methods are refused without parsing their body (only draining it, see drain()).
    if (request.method !== 'GET' && request.method !== 'POST') {
      const trace = newTrace(request);
      void drain(request.raw).then(() => sendError(request, reply, trace, new GatewayError('UnsupportedProtocol')));
      return;
    }
    done();
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, request, reply) => {
    const trace = newTrace(request);
    log.debug({ code: err.code, reason: err.message, requestId: trace.requestId }, 'request refused by the HTTP layer');
    let e: unknown = err;
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const form = mediaType(request.headers['content-type']) === 'application/x-www-form-urlencoded';
      e = new GatewayError('RequestSizeLimitExceeded', [form ? '1 MB' : '10 MB']);
      return drain(request.raw).then((drained) => {
        if (drained) reply.removeHeader('connection');
        return sendError(request, reply, trace, e);
      });
    } else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') e = new GatewayError('InvalidParameter#contentType');
    else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) e = new GatewayError('InvalidParameter#request');
    return sendError(request, reply, trace, e);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = (request.raw.url ?? '/').split('?')[0];
    return sendError(request, reply, newTrace(request), new GatewayError(path === '/' ? 'UnsupportedProtocol' : 'UnsupportedProtocol#path'));
  });

  app.get('/healthz', (_request, reply) => {
    reply.header('content-type', 'application/json').send('{"status":"ok"}');
  });

  // Prometheus metrics (unauthenticated, like /healthz); instance counts come from the store at scrape time.
  const unsetStatusSource = setInstanceStatusSource(async () => {
    const rows = await db.selectFrom('instances').select(['status', db.fn.countAll<number>().as('count')]).groupBy('status').execute();
    return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
  });
  app.addHook('onClose', async () => unsetStatusSource());
  app.get('/metrics', async (_request, reply) => {
    const text = await metricsRegistry.metrics();
    return reply.header('content-type', metricsRegistry.contentType).serializer(asIs).send(text);
  });

  // The web console: static files that call this API from the browser like any other client.
  registerConsole(app);

  app.all('/', async (request, reply) => {
    const trace = newTrace(request);
    try {
      const res = await serveApi(request, trace);
      const body = JSON.stringify({ Response: { ...res, RequestId: trace.requestId } });
      logLine(trace, 'Success');
      return send(request, reply, body);
    } catch (e) {
      return sendError(request, reply, trace, e);
    }
  });

  return app;
}

const DRAIN_MAX_BYTES = 64 * MB;
const DRAIN_MAX_MS = 10_000;

/**
 * Reads and discards what is left of a request body, so that an early answer (oversize body,
 * refused method) reaches the client: closing a socket with unread data resets it, and most
 * clients then report the reset instead of the answer. Gives up past DRAIN_MAX_BYTES or
 * DRAIN_MAX_MS; resolves whether the whole body was read.
 */
function drain(req: IncomingMessage): Promise<boolean> {
  if (req.complete || req.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (complete: boolean) => {
      clearTimeout(timer);
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      resolve(complete);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > DRAIN_MAX_BYTES) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    const timer = setTimeout(() => finish(false), DRAIN_MAX_MS);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.resume();
  });
}

const asIs = (payload: unknown) => payload as string;

/** A single header value ("" and repeated headers count as given once). */
const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** "application/json; charset=utf-8" → "application/json". */
const mediaType = (v: string | undefined): string => {
  if (!v) return '';
  const semi = v.indexOf(';');
  return (semi < 0 ? v : v.slice(0, semi)).trim().toLowerCase();
};
