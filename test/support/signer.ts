// A client-side API 3.0 signer and a raw HTTP client, for requests the official SDKs cannot make
// (tampered bodies, skewed clocks, unknown fields in odd places, oversize bodies, other methods).
// Written from the protocol text (/work/shared/reference/tencent-api.md §1.3-1.4), independently
// of src/server/signature.ts.
import http from 'node:http';
import { createHash, createHmac, randomUUID } from 'node:crypto';

export interface Credentials {
  secretId: string;
  secretKey: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

export interface Tc3Options {
  method?: 'GET' | 'POST' | string;
  action: string;
  version?: string;
  region?: string;
  /** Host as signed (the SDKs sign it without the port). */
  host?: string;
  /** Credential-scope service; defaults to "postgres". */
  service?: string;
  /** POST body (the exact bytes sent and hashed). */
  body?: string | Buffer;
  /** GET: the raw query string (without "?"), sent and signed as is. */
  query?: string;
  contentType?: string;
  timestamp?: number;
  language?: string;
  extraHeaders?: Record<string, string>;
}

/** The headers of a TC3-HMAC-SHA256 request (host must be given as sent; it is signed without its port). */
export function tc3Headers(creds: Credentials, o: Tc3Options & { host: string }): Record<string, string> {
  const method = (o.method ?? 'POST').toUpperCase();
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const service = o.service ?? 'postgres';
  const contentType = o.contentType ?? (method === 'GET' ? 'application/x-www-form-urlencoded' : 'application/json');
  const signedHost = o.host.replace(/:\d+$/, '');
  const payload = method === 'GET' ? '' : (o.body ?? '');
  const canonical = [method, '/', method === 'GET' ? (o.query ?? '') : '', `content-type:${contentType.toLowerCase()}\nhost:${signedHost}\n`, 'content-type;host', sha256(payload)].join('\n');
  const scope = `${date}/${service}/tc3_request`;
  const toSign = ['TC3-HMAC-SHA256', String(timestamp), scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac('TC3' + creds.secretKey, date), service), 'tc3_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const headers: Record<string, string> = {
    Authorization: `TC3-HMAC-SHA256 Credential=${creds.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
    'Content-Type': contentType,
    Host: o.host,
    'X-TC-Action': o.action,
    'X-TC-Timestamp': String(timestamp),
    'X-TC-Version': o.version ?? '2017-03-12',
    'X-TC-TraceId': randomUUID(),
  };
  if (o.region !== undefined) headers['X-TC-Region'] = o.region;
  if (o.language) headers['X-TC-Language'] = o.language;
  return { ...headers, ...o.extraHeaders };
}

export interface V1Options {
  method?: 'GET' | 'POST';
  action: string;
  version?: string;
  region?: string;
  /** Host as sent and signed (v1 signs it with the port). */
  host: string;
  signatureMethod?: 'HmacSHA1' | 'HmacSHA256';
  params?: Record<string, string>;
  timestamp?: number;
  nonce?: number;
  language?: string;
}

/** The parameters of a v1-signed request, Signature included (values unencoded). */
export function v1Params(creds: Credentials, o: V1Options): Record<string, string> {
  const p: Record<string, string> = {
    ...o.params,
    Action: o.action,
    Version: o.version ?? '2017-03-12',
    Timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
    Nonce: String(o.nonce ?? Math.floor(Math.random() * 65535)),
    SecretId: creds.secretId,
  };
  if (o.region !== undefined) p.Region = o.region;
  if (o.language) p.Language = o.language;
  if (o.signatureMethod) p.SignatureMethod = o.signatureMethod;
  const joined = Object.keys(p)
    .sort()
    .map((k) => `${k}=${p[k]}`)
    .join('&');
  const algorithm = o.signatureMethod === 'HmacSHA256' ? 'sha256' : 'sha1';
  p.Signature = createHmac(algorithm, creds.secretKey).update(`${o.method ?? 'POST'}${o.host}/?${joined}`).digest('base64');
  return p;
}

export const formEncode = (p: Record<string, string>): string =>
  Object.entries(p)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface RawRequest {
  method: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: http.Agent | false;
}

/** One HTTP request on loopback, exactly as given (method, path, headers, body). */
export function rawRequest(port: number, r: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
  const headers = { ...r.headers };
  if (r.body !== undefined && !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))) headers['Content-Length'] = String(Buffer.byteLength(r.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: r.method, path: r.path ?? '/', headers, agent: r.agent ?? false, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (r.body !== undefined) req.end(r.body);
    else req.end();
  });
}

export interface Target extends Credentials {
  port: number;
}

/** A TC3-signed request to the service (POST JSON by default). */
export function tc3Request(t: Target, o: Tc3Options): Promise<RawResponse> {
  const host = o.host ?? `127.0.0.1:${t.port}`;
  const method = (o.method ?? 'POST').toUpperCase();
  const body = method === 'GET' ? undefined : (o.body ?? '{}');
  const headers = tc3Headers(t, { ...o, host, body });
  return rawRequest(t.port, { method, path: method === 'GET' ? `/?${o.query ?? ''}` : '/', headers, body });
}

/** A v1-signed request to the service (form POST by default). */
export function v1Request(t: Target, o: Omit<V1Options, 'host'> & { host?: string }): Promise<RawResponse> {
  const host = o.host ?? `127.0.0.1:${t.port}`;
  const p = v1Params(t, { ...o, host });
  const method = o.method ?? 'POST';
  if (method === 'GET') return rawRequest(t.port, { method, path: `/?${formEncode(p)}`, headers: { Host: host } });
  return rawRequest(t.port, { method, headers: { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(p) });
}

/** The error code of an API 3.0 reply (undefined on success). */
export const codeOf = (r: RawResponse): string | undefined => r.json?.Response?.Error?.Code;
