// Every answer of the gateway: HTTP 200 with `{"Response": {..., "RequestId"}}`, errors included, and
// one log line plus metrics per request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isApiError } from '../core/errors.ts';
import { apiRequestDuration, apiRequests } from '../core/metrics.ts';
import { GatewayError } from './gateway-error.ts';
import { message } from './messages.ts';
import type { Trace } from './trace.ts';

const TRACE_ID_RE = /^[\x21-\x7e]{1,128}$/;

export interface Replies {
  /** The request log line and metrics. */
  logLine(trace: Trace, code: string): void;
  errorBody(trace: Trace, code: string, msg: string): string;
  send(request: FastifyRequest, reply: FastifyReply, body: string): FastifyReply;
  sendError(request: FastifyRequest, reply: FastifyReply, trace: Trace, e: unknown): FastifyReply;
}

/** known: whether a name is an action / a service of pgcloud's (only those become metric labels). */
export function createReplies(log: Logger, known: { action(name: string): boolean; service(name: string): boolean }): Replies {
  const logLine = (trace: Trace, code: string) => {
    // Metrics: only known action names become labels (a client may send any string).
    const action = trace.action !== undefined && known.action(trace.action) ? trace.action : 'unknown';
    apiRequests.inc({ service: trace.service !== undefined && known.service(trace.service) ? trace.service : 'unknown', action, code });
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

  return { logLine, errorBody, send, sendError };
}

export const asIs = (payload: unknown) => payload as string;
