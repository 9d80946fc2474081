// The HTTP transport under the API: Fastify with raw bodies (signatures hash the bytes as received),
// the documented size limits, and every refusal below the API (malformed HTTP, other methods, oversize
// bodies, unknown paths) answered in the API's envelope.
import type { Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { GatewayError } from './gateway-error.ts';
import { message } from './messages.ts';
import type { Replies } from './replies.ts';
import { markStart, newTrace } from './trace.ts';
import { LIMITS, MB, mediaType } from './http-util.ts';

const KB = 1024;

export function createHttpServer(log: Logger, replies: Replies): FastifyInstance {
  const { sendError } = replies;
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
      replies.logLine(trace, code);
      if (socket.writable) {
        const body = replies.errorBody(trace, code, message(key, trace.language, args));
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
    markStart(request);
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
