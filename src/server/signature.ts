// Request signatures of API 3.0: TC3-HMAC-SHA256 (signature v3, Authorization header) and the
// legacy signature v1 (HmacSHA1 / HmacSHA256 over sorted parameters). Pure functions over what
// was received: raw query string, raw body bytes, header values; see
// /work/shared/reference/tencent-api.md §1.3-1.4.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface Tc3Authorization {
  secretId: string;
  date: string; // YYYY-MM-DD of the credential scope
  service: string; // as the client derived it ("postgres", or "127" for an IP endpoint)
  signedHeaders: string; // "content-type;host"
  signature: string; // 64 lowercase hex
}

const TC3_RE =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]{1,128})\/(\d{4}-\d{2}-\d{2})\/([^/\s,]{1,128})\/tc3_request, ?SignedHeaders=([a-z0-9;_-]{1,512}), ?Signature=([0-9a-f]{64})$/;

/** Parses an Authorization header; undefined when it is not a TC3-HMAC-SHA256 authorization. */
export function parseTc3Authorization(header: string): Tc3Authorization | undefined {
  if (header.length > 2048) return undefined;
  const m = TC3_RE.exec(header.trim());
  if (!m) return undefined;
  return { secretId: m[1]!, date: m[2]!, service: m[3]!, signedHeaders: m[4]!, signature: m[5]! };
}

/** Whether the signed headers include the two the protocol makes mandatory. */
export function hasMandatoryHeaders(signedHeaders: string): boolean {
  const names = signedHeaders.split(';');
  return names.includes('content-type') && names.includes('host');
}

/** UTC date (YYYY-MM-DD) of a UNIX timestamp in seconds. */
let lastDay = NaN;
let lastDate = '';
export function utcDate(timestamp: number): string {
  const day = Math.floor(timestamp / 86400);
  if (day !== lastDay) {
    lastDate = new Date(day * 86400_000).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDate;
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

const EMPTY_SHA256 = sha256Hex('');

// SecretSigning depends only on (SecretKey, date, service): computed once a day per key.
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 4096;

function signingKey(secretKey: string, date: string, service: string): Buffer {
  const cacheKey = `${secretKey}\n${date}\n${service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    const kDate = createHmac('sha256', 'TC3' + secretKey).update(date).digest();
    const kService = createHmac('sha256', kDate).update(service).digest();
    key = createHmac('sha256', kService).update('tc3_request').digest();
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  return key;
}

const headerValue = (headers: IncomingHttpHeaders, name: string): string => {
  const v = headers[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().toLowerCase();
};

/** Host with any :port removed ("127.0.0.1:8432" → "127.0.0.1", "[::1]:80" → "[::1]"). */
export const stripPort = (host: string): string => host.replace(/:\d*$/, '');

export interface Tc3Input {
  method: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer | undefined;
  timestamp: string;
  auth: Tc3Authorization;
  secretKey: string;
}

/** Computes the TC3 signature of a request for one canonical value of the host header. */
export function tc3Signature(input: Tc3Input, host: string): string {
  const { method, rawQuery, headers, body, timestamp, auth, secretKey } = input;
  let canonicalHeaders = '';
  for (const name of auth.signedHeaders.split(';')) {
    canonicalHeaders += `${name}:${name === 'host' ? host : headerValue(headers, name)}\n`;
  }
  const payloadHash = body && body.length > 0 ? sha256Hex(body) : EMPTY_SHA256;
  const canonicalRequest = `${method}\n/\n${rawQuery}\n${canonicalHeaders}\n${auth.signedHeaders}\n${payloadHash}`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${auth.date}/${auth.service}/tc3_request\n${sha256Hex(canonicalRequest)}`;
  return createHmac('sha256', signingKey(secretKey, auth.date, auth.service)).update(stringToSign).digest('hex');
}

const safeEqual = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Verifies a TC3 signature. The Node SDKs sign the host without its port while sending it with
 * the port, other clients sign what they send: both are accepted.
 */
export function verifyTc3(input: Tc3Input): boolean {
  const host = headerValue(input.headers, 'host');
  const bare = stripPort(host);
  if (safeEqual(tc3Signature(input, bare), input.auth.signature)) return true;
  return bare !== host && safeEqual(tc3Signature(input, host), input.auth.signature);
}

/** The v1 string to sign: METHOD + host + "/?" + params sorted by name, raw values, without Signature. */
export function v1StringToSign(method: string, host: string, params: Map<string, string>): string {
  const names = [...params.keys()].filter((k) => k !== 'Signature').sort();
  let joined = '';
  for (const name of names) joined += (joined ? '&' : '') + name + '=' + params.get(name);
  return `${method}${host}/?${joined}`;
}

export const v1Algorithm = (signatureMethod: string | undefined): 'sha1' | 'sha256' => (signatureMethod === 'HmacSHA256' ? 'sha256' : 'sha1');

export function v1Signature(secretKey: string, stringToSign: string, algorithm: 'sha1' | 'sha256'): string {
  return createHmac(algorithm, secretKey).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Verifies a v1 signature. The SDKs sign the Host header as sent (with the port); a client that
 * signs the bare host name is accepted too.
 */
export function verifyV1(method: string, hostHeader: string, params: Map<string, string>, secretKey: string): boolean {
  const given = params.get('Signature') ?? '';
  const algorithm = v1Algorithm(params.get('SignatureMethod'));
  const host = hostHeader.trim();
  const check = (h: string) => safeEqual(v1Signature(secretKey, v1StringToSign(method, h, params), algorithm), given);
  if (check(host)) return true;
  const bare = stripPort(host);
  return bare !== host && check(bare);
}
