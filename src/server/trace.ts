// What the request log line and the error envelope need to know about one request, filled in as the
// request goes through the gateway's stages.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { pickLanguage, type Language } from './messages.ts';

export interface Trace {
  requestId: string;
  language: Language;
  start: number;
  action?: string;
  service?: string;
  uin?: string;
}

const kStart = Symbol('pgcloud.start');
type TimedRequest = FastifyRequest & { [kStart]?: number };

/** Marks when the request arrived (the onRequest hook), so its duration counts from there. */
export function markStart(request: FastifyRequest): void {
  (request as TimedRequest)[kStart] = performance.now();
}

export const newTrace = (request: FastifyRequest | undefined): Trace => ({
  requestId: randomUUID(),
  language: pickLanguage(request?.headers['x-tc-language']),
  start: (request as TimedRequest | undefined)?.[kStart] ?? performance.now(),
});
