// Stage 1, the envelope: the method, the size of a GET, and the common parameters where the signature
// method puts them — TC3-HMAC-SHA256 in X-TC-* headers (the action's own parameters in the body or
// query, parsed only once the signature is known good), v1 in the query or form body with the rest.
import type { FastifyRequest } from 'fastify';
import { fail } from '../gateway-error.ts';
import { pickLanguage } from '../messages.ts';
import { parseForm, type FlatParams } from '../params.ts';
import { hasMandatoryHeaders, parseTc3Authorization, utcDate, verifyTc3, verifyV1 } from '../signature.ts';
import type { Trace } from '../trace.ts';
import { LIMITS, header, mediaType } from '../http-util.ts';

/** v1 parameters that are not the action's own. */
const V1_COMMON = new Set(['Action', 'Version', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature', 'SignatureMethod', 'Token', 'Language', 'RequestClient']);

export type EnvelopeInput = { flat: FlatParams } | { formText: string } | { json: Buffer | undefined };

export interface Envelope {
  secretId: string;
  timestamp?: string;
  action?: string;
  version?: string;
  region?: string;
  /** TC3: the service named by the credential scope. */
  scope?: string;
  /** The names of the common parameters in this signature method, for error messages. */
  names: { action: string; version: string; region: string; timestamp: string };
  input: EnvelopeInput;
  /** Whether the request is signed with this secret key. */
  verify(secretKey: string): boolean;
}

export function readEnvelope(request: FastifyRequest, trace: Trace): Envelope {
  const method = request.method;
  if (method !== 'GET' && method !== 'POST') fail('UnsupportedProtocol');
  const url = request.raw.url ?? '/';
  if (method === 'GET' && url.length > LIMITS.get) fail('RequestSizeLimitExceeded', '32 KB');
  const envelope = request.headers.authorization !== undefined ? readTc3(request, url) : readV1(request, url, trace);
  if (envelope.action) trace.action = envelope.action.slice(0, 80);
  return envelope;
}

function rawQueryOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

function readTc3(request: FastifyRequest, url: string): Envelope {
  const { method, headers } = request;
  const rawQuery = rawQueryOf(url);
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;
  const auth = parseTc3Authorization(headers.authorization!);
  if (!auth) return fail('AuthFailure.InvalidAuthorization');
  if (!hasMandatoryHeaders(auth.signedHeaders)) fail('AuthFailure.InvalidAuthorization#signedHeaders');
  const contentType = mediaType(headers['content-type']);
  let input: EnvelopeInput;
  if (method === 'GET') input = { formText: rawQuery };
  else if (contentType === 'application/json') input = { json: body };
  else if (contentType === 'application/x-www-form-urlencoded') input = { formText: body?.toString('utf8') ?? '' };
  else return fail('InvalidParameter#contentType');
  const timestamp = header(headers['x-tc-timestamp']);
  return {
    secretId: auth.secretId,
    scope: auth.service,
    timestamp,
    action: header(headers['x-tc-action']),
    version: header(headers['x-tc-version']),
    region: header(headers['x-tc-region']),
    names: { action: 'X-TC-Action', version: 'X-TC-Version', region: 'X-TC-Region', timestamp: 'X-TC-Timestamp' },
    input,
    verify(secretKey) {
      const ts = timestamp ?? '';
      if (auth.date !== utcDate(Number(ts))) fail('AuthFailure.SignatureFailure#scopeDate');
      return verifyTc3({ method, rawQuery, headers, body: method === 'POST' ? body : undefined, timestamp: ts, auth, secretKey });
    },
  };
}

function readV1(request: FastifyRequest, url: string, trace: Trace): Envelope {
  const { method, headers } = request;
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;
  let params: FlatParams;
  if (method === 'GET') params = parseForm(rawQueryOf(url));
  else if (mediaType(headers['content-type']) === 'application/x-www-form-urlencoded') params = parseForm(body?.toString('utf8') ?? '');
  else return fail('AuthFailure.InvalidAuthorization#missing');
  const secretId = params.get('SecretId');
  if (!secretId || !params.has('Signature')) return fail('AuthFailure.InvalidAuthorization#missing');
  if (params.has('Language')) trace.language = pickLanguage(params.get('Language'));
  const own: FlatParams = new Map();
  for (const [k, v] of params) if (!V1_COMMON.has(k)) own.set(k, v);
  const host = header(headers.host) ?? '';
  return {
    secretId,
    timestamp: params.get('Timestamp'),
    action: params.get('Action'),
    version: params.get('Version'),
    region: params.get('Region'),
    names: { action: 'Action', version: 'Version', region: 'Region', timestamp: 'Timestamp' },
    input: { flat: own },
    verify: (secretKey) => verifyV1(method, host, params, secretKey),
  };
}
