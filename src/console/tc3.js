// TC3-HMAC-SHA256 in the browser (WebCrypto), and one API call: POST / on this origin, like any client.
const enc = new TextEncoder();

const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

async function sha256Hex(text) {
  return hex(await crypto.subtle.digest('SHA-256', enc.encode(text)));
}

async function hmac(key, text) {
  const k = await crypto.subtle.importKey('raw', typeof key === 'string' ? enc.encode(key) : key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, enc.encode(text));
}

/** The Authorization header of a POST / with a JSON body (signed headers: content-type;host). */
export async function tc3Authorization({ secretId, secretKey, service, host, timestamp, payload }) {
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host';
  const canonicalRequest = `POST\n/\n\ncontent-type:application/json\nhost:${host}\n\n${signedHeaders}\n${await sha256Hex(payload)}`;
  const scope = `${date}/${service}/tc3_request`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${await sha256Hex(canonicalRequest)}`;
  const kDate = await hmac('TC3' + secretKey, date);
  const kService = await hmac(kDate, service);
  const kSigning = await hmac(kService, 'tc3_request');
  const signature = hex(await hmac(kSigning, stringToSign));
  return `TC3-HMAC-SHA256 Credential=${secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** An API error as the service reported it. */
export class ApiError extends Error {
  constructor(code, message, requestId) {
    super(message);
    this.code = code;
    this.requestId = requestId;
  }
}

/** Calls an action; resolves with the Response object, rejects with an ApiError. */
export async function callApi(creds, action, params = {}, { service = 'postgres', version = '2017-03-12' } = {}) {
  const payload = JSON.stringify(params);
  const timestamp = Math.floor(Date.now() / 1000);
  const authorization = await tc3Authorization({ ...creds, service, host: location.host, timestamp, payload });
  const res = await fetch('/', {
    method: 'POST',
    headers: {
      Authorization: authorization,
      'Content-Type': 'application/json',
      'X-TC-Action': action,
      'X-TC-Version': version,
      'X-TC-Region': creds.region,
      'X-TC-Timestamp': String(timestamp),
      'X-TC-Language': 'en-US',
    },
    body: payload,
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError('InternalError', `HTTP ${res.status}: the answer is not JSON`, '');
  }
  const r = body && body.Response;
  if (!r) throw new ApiError('InternalError', 'the answer has no Response', '');
  if (r.Error) throw new ApiError(r.Error.Code, r.Error.Message, r.RequestId);
  return r;
}
