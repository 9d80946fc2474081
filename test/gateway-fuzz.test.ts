// Fuzzing the gateway of a real `pgcloud serve` on loopback: a few thousand malformed requests —
// random bytes, truncated JSON, a wrong type at every field of every action, huge numbers, deep
// nesting, bad headers, mixed signature methods, garbage on the socket. Every one that gets an
// answer gets HTTP 200, application/json, the envelope and a documented code (never
// InternalError), and the service keeps serving. Seeded: FUZZ_SEED=<n> replays a run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { FieldType, RequestSchema, ActionDefinition } from '../src/core/action.ts';
import { loadRegistry } from '../src/server/registry.ts';
import { startService, type TestService } from './support/service.ts';
import { formEncode, rawRequest, tc3Headers, v1Params, type Credentials, type RawRequest, type RawResponse } from './support/signer.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

// The codes of §7.1 of the reference, and the categories handlers' codes belong to (§7.2).
const GATEWAY_CODES = new Set([
  'AuthFailure.InvalidAuthorization', 'AuthFailure.SecretIdNotFound', 'AuthFailure.SignatureFailure', 'AuthFailure.SignatureExpire',
  'InvalidAction', 'NoSuchVersion', 'UnsupportedRegion', 'MissingParameter', 'UnknownParameter', 'InvalidParameter',
  'RequestSizeLimitExceeded', 'UnsupportedProtocol', 'RequestLimitExceeded',
]);
const HANDLER_CATEGORIES = new Set([
  'InvalidParameter', 'InvalidParameterValue', 'MissingParameter', 'UnknownParameter', 'FailedOperation', 'LimitExceeded', 'OperationDenied',
  'ResourceNotFound', 'ResourceUnavailable', 'ResourceInsufficient', 'ResourceInUse', 'UnsupportedOperation', 'UnauthorizedOperation', 'InvalidInstanceStatus', 'InstanceNotExist',
]);
const documented = (code: string) => GATEWAY_CODES.has(code) || HANDLER_CATEGORIES.has(code.split('.')[0]!);

// ---- a seeded generator ------------------------------------------------------------------

let state = SEED >>> 0;
const rand = (): number => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
const printable = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join('');

// ---- the service ---------------------------------------------------------------------------

let svc: TestService;
let creds: Credentials;
let host: string;
let agent: http.Agent;
let actions: ActionDefinition[];

before(async () => {
  // A high default limit, so that most requests get as far as parameter validation.
  svc = await startService({ env: { PGCLOUD_PREWARM: 'none', PGCLOUD_DEFAULT_RATE_LIMIT: '1000000' } });
  creds = { secretId: svc.secretId, secretKey: svc.secretKey };
  host = `127.0.0.1:${svc.port}`;
  agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  actions = (await loadRegistry()).all();
});

after(async () => {
  agent?.destroy();
  await svc?.cleanup();
});

// ---- generators ----------------------------------------------------------------------------

const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x', '', 'application/json; charset=utf-8', 'x/y', '*/*'];
const REGIONS = ['ap-guangzhou', 'ap-tokyo', 'null', '', 'xx', 'ap-guangzhou\u00e9'];

const tc3Post = (action: string, body: string | Buffer, o: { region?: string; contentType?: string; version?: string } = {}): RawRequest => ({
  method: 'POST',
  headers: tc3Headers(creds, { action, host, body, region: o.region ?? 'ap-guangzhou', contentType: o.contentType, version: o.version }),
  body,
});

const tc3Get = (action: string, query: string): RawRequest => ({
  method: 'GET',
  path: '/?' + query,
  headers: tc3Headers(creds, { method: 'GET', action, host, query, region: 'ap-guangzhou' }),
});

const v1 = (action: string, params: Record<string, string>, method: 'GET' | 'POST' = pick(['GET', 'POST'])): RawRequest => {
  const p = v1Params(creds, { method, action, host, region: 'ap-guangzhou', params, signatureMethod: pick(['HmacSHA1', 'HmacSHA256', undefined] as const) });
  return method === 'GET'
    ? { method, path: '/?' + formEncode(p), headers: { Host: host } }
    : { method, headers: { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(p) };
};

/** A JSON value whose type is not `type`. */
function wrongJson(type: FieldType): string {
  const all: Record<string, string[]> = {
    string: ['1', 'true', '[]', '{}', '-1.5', '1e308'],
    integer: ['"1"', '1.5', 'true', '[]', '{}', '1e300', '9007199254740993', '-1e400', '1' + '0'.repeat(400)],
    number: ['"x"', 'true', '[]', '{}', '1e999', '-1e999'],
    boolean: ['"true"', '1', '0', '[]', '{}'],
    array: ['"x"', '1', '{}', 'true', '[null]', '[[[[[]]]]]'],
    object: ['"x"', '1', '[]', 'true', '[{}]'],
  };
  const kind = typeof type === 'string' ? type : 'array' in type ? 'array' : 'object';
  if (kind === 'array' && rand() < 0.5) return `[${wrongJson((type as { array: FieldType }).array)}]`;
  if (kind === 'object' && rand() < 0.5) {
    const sub = (type as { object: RequestSchema }).object;
    const names = Object.keys(sub);
    if (names.length) {
      const f = pick(names);
      return `{"${f}":${wrongJson(sub[f]!.type)}}`;
    }
  }
  return pick(all[kind]!);
}

/** Flattened parameters of the wrong shape or value for `type`, under `name`. */
function wrongFlat(name: string, type: FieldType): Record<string, string> {
  if (typeof type === 'string') {
    const v: Record<string, string[]> = { string: [], integer: ['abc', '1.5', '', '1e3', '99999999999999999999'], number: ['abc', '1e999', '--1', ''], boolean: ['maybe', '2', ''] };
    if (type === 'string' || rand() < 0.3) return { [`${name}.0`]: 'x' };
    return { [name]: pick(v[type]!) };
  }
  if ('array' in type) return pick([{ [name]: 'x' }, { [`${name}.1`]: 'x' }, { [`${name}.a`]: 'x' }, { [`${name}.01`]: 'x' }, { [`${name}.999999999`]: 'x' }, { [`${name}.0`]: 'a', [`${name}.0.x`]: 'b' }]);
  return pick([{ [name]: 'x' }, { [`${name}.Bogus`]: 'x' }, { [`${name}.0`]: 'x' }]);
}

const SAMPLE = JSON.stringify({
  Zone: 'ap-guangzhou-3', SpecCode: 'pg.it.medium4', Storage: 20, InstanceCount: 1, Period: 1, Charset: 'UTF8', AdminName: 'dbadmin', AdminPassword: 'Passw0rd!xyz',
  DBMajorVersion: '15', InstanceChargeType: 'POSTPAID_BY_HOUR', DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }], TagList: [{ TagKey: 'env', TagValue: 'test' }], Name: 'fuzz',
});

type Gen = () => RawRequest;
const generators: Record<string, Gen> = {
  randomBytes: () => {
    const body = bytes(int(4096));
    const signed = rand() < 0.5;
    const ct = pick(CONTENT_TYPES);
    if (signed) return tc3Post(pick(actions).name, body, { contentType: ct || 'application/json' });
    return { method: 'POST', headers: ct ? { 'Content-Type': ct } : {}, body };
  },
  randomQuery: () => {
    const q = bytes(int(512)).toString('latin1').replace(/[^\x21-\x7e]/g, () => '%' + int(256).toString(16).padStart(2, '0').toUpperCase()).replace(/#/g, '%23');
    return rand() < 0.5 ? tc3Get(pick(actions).name, q) : { method: 'GET', path: '/?' + q };
  },
  truncatedJson: () => tc3Post('CreateInstances', SAMPLE.slice(0, int(SAMPLE.length))),
  wrongTypeJson: () => {
    const def = pick(actions);
    const names = Object.keys(def.request);
    if (!names.length) return tc3Post(def.name, `{"Bogus":${wrongJson('string')}}`);
    const f = pick(names);
    return tc3Post(def.name, `{"${f}":${wrongJson(def.request[f]!.type)}}`);
  },
  wrongTypeFlat: () => {
    const def = pick(actions);
    const names = Object.keys(def.request);
    const f = names.length ? pick(names) : undefined;
    const params = f ? wrongFlat(f, def.request[f]!.type) : { Bogus: 'x' };
    return rand() < 0.5 ? tc3Get(def.name, formEncode(params)) : v1(def.name, params);
  },
  hugeNumbers: () => {
    const n = pick(['1e308', '-1e308', '1e309', '123456789012345678901234567890', '0.' + '0'.repeat(500) + '1', '-0', '9'.repeat(5000), '1E+99999']);
    return pick([
      () => tc3Post('DescribeDBInstances', `{"Limit":${n},"Offset":${n}}`),
      () => tc3Post('CreateInstances', `{"Storage":${n}}`),
      () => tc3Get('DescribeDBInstances', `Limit=${encodeURIComponent(n)}`),
      () => v1('DescribeDBInstances', { Offset: n }),
    ])();
  },
  deepNesting: () => {
    const d = pick([100, 1000, 10_000, 100_000]);
    return pick([
      () => tc3Post('DescribeDBInstances', `{"Filters":${'['.repeat(d)}${']'.repeat(d)}}`),
      () => tc3Post('DescribeRegions', `{"X":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`),
      () => tc3Post('DescribeDBInstances', `{"Filters":[{"Values":${'['.repeat(d)}"x"${']'.repeat(d)}}]}`),
      () => v1('DescribeDBInstances', { ['Filters' + '.0'.repeat(Math.min(d, 2000))]: 'x' }),
    ])();
  },
  badHeaders: () => {
    const r = tc3Post('DescribeRegions', '{}');
    const h = r.headers!;
    const name = pick(['Authorization', 'X-TC-Timestamp', 'X-TC-Action', 'X-TC-Version', 'X-TC-Region', 'X-TC-Language', 'Content-Type', 'Host', 'X-TC-TraceId', 'X-TC-Token']);
    const value = pick([
      '', ' ', printable(int(200)), '-1', '1e10', '99999999999999999999', '12.5', 'null', 'TC3-HMAC-SHA256 ' + printable(100),
      h.Authorization!.replace(/Signature=[0-9a-f]+/, 'Signature=' + '0'.repeat(64)), h.Authorization!.replace('Credential=', 'Credential= '),
    ]);
    if (rand() < 0.1) delete h[name];
    else h[name] = value;
    return r;
  },
  mixedSignatures: () =>
    pick([
      // TC3 headers over a v1 form body.
      () => tc3Post('DescribeRegions', formEncode(v1Params(creds, { action: 'DescribeRegions', host })), { contentType: 'application/x-www-form-urlencoded' }),
      // v1 parameters in a JSON body, without Authorization.
      () => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(v1Params(creds, { action: 'DescribeRegions', host })) }),
      // v1 GET carrying a garbage Authorization header.
      () => ({ method: 'GET', path: '/?' + formEncode(v1Params(creds, { method: 'GET', action: 'DescribeRegions', host })), headers: { Authorization: printable(40) } }),
      // v1 signed with SHA-1 but claiming HmacSHA256, or an unknown method.
      () => {
        const p = v1Params(creds, { action: 'DescribeRegions', host });
        p.SignatureMethod = pick(['HmacSHA256', 'HmacMD5', '', 'TC3-HMAC-SHA256']);
        return { method: 'POST', headers: { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(p) };
      },
      // v1 signed for GET sent as POST.
      () => {
        const p = v1Params(creds, { method: 'GET', action: 'DescribeRegions', host });
        return { method: 'POST', headers: { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(p) };
      },
      // A TC3 GET whose query also carries v1 parameters.
      () => tc3Get('DescribeRegions', formEncode(v1Params(creds, { method: 'GET', action: 'DescribeRegions', host }))),
      // Duplicated v1 parameters.
      () => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(v1Params(creds, { action: 'DescribeRegions', host })) + '&Action=CreateInstances' }),
    ])(),
  otherMethods: () => ({ method: pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'LOCK']), path: pick(['/', '/x', '/?a=b']), headers: { 'Content-Type': pick(CONTENT_TYPES) || 'text/plain' }, body: bytes(int(256)) }),
  oddPaths: () => ({ method: pick(['GET', 'POST']), path: pick(['/healthz/x', '//', '/%zz', '/..', '/?%', '/' + printable(30).replace(/[ #?%]/g, 'x'), '/metrics/x', '/' + 'a'.repeat(5000)]) }),
  regions: () => tc3Post(pick(actions).name, '{}', { region: pick(REGIONS) }),
  versions: () => tc3Post(pick(actions).name, '{}', { version: pick(['', '2017-03-12 ', '2017-3-12', '1999-01-01', printable(20)]) }),
};

function checkReply(kind: string, r: RawResponse, codes: Map<string, number>): void {
  const what = `${kind} (seed ${SEED}): ${r.text.slice(0, 200)}`;
  assert.equal(r.status, 200, what);
  assert.equal(r.headers['content-type'], 'application/json', what);
  const resp = r.json?.Response;
  assert.ok(resp && typeof resp === 'object', what);
  assert.match(resp.RequestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, what);
  const code = resp.Error ? resp.Error.Code : 'Success';
  if (resp.Error) {
    assert.equal(typeof resp.Error.Message, 'string', what);
    assert.notEqual(code, 'InternalError', what);
    assert.ok(documented(code), `undocumented code ${code}: ${what}`);
  }
  codes.set(code, (codes.get(code) ?? 0) + 1);
}

test(`a few thousand malformed requests are each answered with the envelope (seed ${SEED})`, async (t) => {
  const kinds = Object.keys(generators);
  const codes = new Map<string, number>();
  const byKind = new Map<string, number>();
  const TOTAL = 3000;
  let next = 0;
  const worker = async () => {
    while (next < TOTAL) {
      const i = next++;
      const kind = kinds[i % kinds.length]!;
      const req = generators[kind]!();
      let r: RawResponse;
      try {
        r = await rawRequest(svc.port, { ...req, agent: req.method === 'GET' || req.method === 'POST' ? agent : false }, 20_000);
      } catch (e: any) {
        assert.fail(`${kind} #${i} (seed ${SEED}) got no answer: ${e.message}`);
      }
      if (req.method === 'HEAD') continue;
      checkReply(kind, r, codes);
      const code = r.json.Response.Error?.Code ?? 'Success';
      byKind.set(`${kind}:${code}`, (byKind.get(`${kind}:${code}`) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  t.diagnostic(`codes: ${JSON.stringify(Object.fromEntries(codes))}`);
  t.diagnostic(`by generator: ${JSON.stringify(Object.fromEntries([...byKind].sort()))}`);
  const total = [...codes.values()].reduce((a, b) => a + b, 0);
  assert.equal(total, TOTAL);
  // Most requests got past authentication to the checks behind it.
  assert.ok((codes.get('InvalidParameter') ?? 0) > 300, JSON.stringify(Object.fromEntries(codes)));
  assert.ok((codes.get('UnknownParameter') ?? 0) > 30, JSON.stringify(Object.fromEntries(codes)));
});

test(`garbage on the socket is answered with the envelope or closed, and harms nothing (seed ${SEED})`, async () => {
  const payloads: Array<() => Buffer> = [
    () => bytes(1 + int(2048)),
    () => Buffer.from(`${printable(8)} / HTTP/1.1\r\nHost: x\r\n\r\n`),
    () => Buffer.from(`GET / HTTP/9.9\r\n\r\n`),
    () => Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}`),
    () => Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`),
    () => Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\n${printable(10).replace(/[: ]/g, 'x')}\r\n\r\n`),
    () => Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`),
    () => Buffer.concat([Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n'), bytes(3)]),
  ];
  let answered = 0;
  for (let i = 0; i < 200; i++) {
    const payload = pick(payloads)();
    const text = await new Promise<string>((resolve) => {
      const s = net.connect(svc.port, '127.0.0.1');
      let out = '';
      const timer = setTimeout(() => s.destroy(), 500);
      s.on('connect', () => s.end(payload));
      s.on('data', (d) => (out += d.toString('latin1')));
      s.on('error', () => {});
      s.on('close', () => {
        clearTimeout(timer);
        resolve(out);
      });
    });
    if (!text) continue;
    answered++;
    const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
    assert.match(head, /^HTTP\/1\.1 200 OK/, text.slice(0, 300));
    assert.match(head, /content-type: application\/json/i);
    const json = JSON.parse(body);
    assert.ok(documented(json.Response.Error.Code), json.Response.Error.Code);
  }
  assert.ok(answered > 50, `only ${answered} of 200 got an answer`);
});

test('the service is still serving, and still itself', async () => {
  const r = await rawRequest(svc.port, tc3Post('DescribeRegions', '{}'));
  assert.equal(r.json.Response.TotalCount, 18);
  assert.equal((await rawRequest(svc.port, { method: 'GET', path: '/healthz' })).status, 200);
  assert.doesNotMatch(svc.output(), /uncaught|unhandled|FATAL/i);
});
