// Every error the gateway answers, with its exact code, against a real `pgcloud serve`: through
// the official SDK where the SDK can produce the mistake, as raw HTTP (test/support/signer.ts)
// where it cannot. Every reply is HTTP 200 with the {"Response": {"Error", "RequestId"}} envelope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import * as tc from 'tencentcloud-sdk-nodejs';
import { startService, type TestService } from './support/service.ts';
import { codeOf, formEncode, rawRequest, tc3Headers, tc3Request, v1Params, v1Request, type RawResponse, type Target } from './support/signer.ts';

const run = promisify(execFile);
const { CommonClient } = createRequire(import.meta.url)('tencentcloud-sdk-nodejs/tencentcloud/common');
const root = path.resolve(import.meta.dirname, '..');

let svc: TestService;
let target: Target;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: 'none', PGCLOUD_LOG_LEVEL: 'info' } });
  target = { port: svc.port, secretId: svc.secretId, secretKey: svc.secretKey };
});

after(async () => {
  await svc?.cleanup();
});

const client = (o: { region?: string; secretId?: string; secretKey?: string; profile?: Record<string, any> } = {}) =>
  new tc.postgres.v20170312.Client({
    credential: { secretId: o.secretId ?? svc.secretId, secretKey: o.secretKey ?? svc.secretKey },
    region: o.region ?? 'ap-guangzhou',
    profile: { ...o.profile, httpProfile: { endpoint: svc.endpoint, protocol: 'http://', reqTimeout: 30, ...o.profile?.httpProfile } },
  });

/** The SDK error's code (the SDK only reports one when the reply was a 200 envelope). */
async function sdkCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'Success';
  } catch (e: any) {
    assert.ok(e.code, `not an API error: ${e}`);
    assert.match(e.requestId, /^[0-9a-f-]{36}$/);
    return e.code;
  }
}

/** Asserts the reply is a 200 JSON error envelope with this code. */
function assertEnvelope(r: RawResponse, code: string): void {
  assert.equal(r.status, 200, r.text.slice(0, 200));
  assert.match(String(r.headers['content-type']), /^application\/json/);
  assert.equal(codeOf(r), code, r.text.slice(0, 300));
  assert.equal(typeof r.json.Response.Error.Message, 'string');
  assert.match(r.json.Response.RequestId, /^[0-9a-f-]{36}$/);
}

const SIGN_METHODS = [{}, { signMethod: 'HmacSHA256' }, { signMethod: 'HmacSHA1' }, { httpProfile: { reqMethod: 'GET' } }];

test('AuthFailure.InvalidAuthorization: unparsable or missing signature', async () => {
  // The v4 SDK's skipSign sends "Authorization: SKIP".
  assert.equal(await sdkCode(client().request('DescribeRegions', {}, { skipSign: true } as any)), 'AuthFailure.InvalidAuthorization');
  const host = `127.0.0.1:${svc.port}`;
  const good = tc3Headers(target, { action: 'DescribeRegions', host, body: '{}' });
  for (const authorization of ['garbage', 'TC3-HMAC-SHA256 Credential=x', good.Authorization!.replace('SignedHeaders=content-type;host', 'SignedHeaders=host'), good.Authorization!.slice(0, -1)]) {
    assertEnvelope(await rawRequest(svc.port, { method: 'POST', headers: { ...good, Authorization: authorization }, body: '{}' }), 'AuthFailure.InvalidAuthorization');
  }
  // No Authorization and no v1 SecretId/Signature.
  const { Authorization: _, ...unsigned } = good;
  assertEnvelope(await rawRequest(svc.port, { method: 'POST', headers: unsigned, body: '{}' }), 'AuthFailure.InvalidAuthorization');
  assertEnvelope(await rawRequest(svc.port, { method: 'GET', path: '/?Action=DescribeRegions&Version=2017-03-12' }), 'AuthFailure.InvalidAuthorization');
});

test('AuthFailure.SecretIdNotFound: unknown key, with every signature method', async () => {
  for (const profile of SIGN_METHODS) {
    assert.equal(await sdkCode(client({ secretId: 'AKID' + 'x'.repeat(32), profile }).DescribeRegions()), 'AuthFailure.SecretIdNotFound', JSON.stringify(profile));
  }
});

test('AuthFailure.SecretIdNotFound: a disabled key is refused within a second', async () => {
  const { stdout } = await run(process.execPath, [path.join(root, 'bin/pgcloud.js'), 'accounts', 'create', 'errors-test', '--output', 'json', '--data-dir', svc.dataDir], { cwd: root });
  const acct = JSON.parse(stdout);
  const c = client({ secretId: acct.secretId, secretKey: acct.secretKey });
  assert.equal((await c.DescribeRegions()).TotalCount, 18);
  await run(process.execPath, [path.join(root, 'bin/pgcloud.js'), 'keys', 'disable', acct.secretId, '--data-dir', svc.dataDir], { cwd: root });
  const disabledAt = Date.now();
  let code = 'Success';
  while (code === 'Success' && Date.now() - disabledAt < 5000) {
    code = await sdkCode(c.DescribeRegions());
    if (code === 'Success') await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(code, 'AuthFailure.SecretIdNotFound', 'the disabled key is refused once the key cache has seen the change');
  // And stays refused, over v1 too.
  assert.equal(await sdkCode(client({ secretId: acct.secretId, secretKey: acct.secretKey, profile: { signMethod: 'HmacSHA1' } }).DescribeRegions()), 'AuthFailure.SecretIdNotFound');
});

test('AuthFailure.SignatureFailure: wrong key through the SDK, tampered requests raw', async () => {
  for (const profile of SIGN_METHODS) {
    assert.equal(await sdkCode(client({ secretKey: 'y'.repeat(32), profile }).DescribeRegions()), 'AuthFailure.SignatureFailure', JSON.stringify(profile));
  }
  const host = `127.0.0.1:${svc.port}`;
  // Body changed after signing (same length).
  const headers = tc3Headers(target, { action: 'DescribeZones', region: 'ap-guangzhou', host, body: '{"StorageType":"CLOUD_SSD"}' });
  assertEnvelope(await rawRequest(svc.port, { method: 'POST', headers, body: '{"StorageType":"CLOUD_HDD"}' }), 'AuthFailure.SignatureFailure');
  // Signed action header changed: not signed by the SDK's scheme, but the query string is.
  const get = tc3Headers(target, { method: 'GET', action: 'DescribeZones', region: 'ap-guangzhou', host, query: 'StorageType=CLOUD_SSD' });
  assertEnvelope(await rawRequest(svc.port, { method: 'GET', path: '/?StorageType=CLOUD_HSSD', headers: get }), 'AuthFailure.SignatureFailure');
  // Scope date that is not the UTC date of the timestamp.
  const t = Math.floor(Date.now() / 1000);
  const h2 = tc3Headers(target, { action: 'DescribeRegions', host, body: '{}', timestamp: t });
  h2.Authorization = h2.Authorization!.replace(/\/\d{4}-\d{2}-\d{2}\//, '/2001-01-01/');
  assertEnvelope(await rawRequest(svc.port, { method: 'POST', headers: h2, body: '{}' }), 'AuthFailure.SignatureFailure');
  // v1: a parameter changed after signing.
  const p = v1Params(target, { action: 'DescribeZones', region: 'ap-guangzhou', host, params: { StorageType: 'CLOUD_SSD' } });
  p.StorageType = 'CLOUD_HSSD';
  assertEnvelope(
    await rawRequest(svc.port, { method: 'POST', headers: { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(p) }),
    'AuthFailure.SignatureFailure',
  );
});

test('AuthFailure.SignatureExpire: clock skew over 300 s, either way, TC3 and v1', async () => {
  const now = Math.floor(Date.now() / 1000);
  for (const timestamp of [now - 400, now + 400, 1]) {
    assertEnvelope(await tc3Request(target, { action: 'DescribeRegions', timestamp }), 'AuthFailure.SignatureExpire');
    assertEnvelope(await v1Request(target, { action: 'DescribeRegions', timestamp }), 'AuthFailure.SignatureExpire');
  }
  // Within the window is fine.
  assert.equal(codeOf(await tc3Request(target, { action: 'DescribeRegions', timestamp: now - 200 })), undefined);
});

test('InvalidAction: unknown action', async () => {
  for (const profile of SIGN_METHODS) assert.equal(await sdkCode(client({ profile }).request('DescribeNothing', {})), 'InvalidAction');
  assertEnvelope(await tc3Request(target, { action: '../../etc/passwd' }), 'InvalidAction');
});

test('NoSuchVersion: the action exists, not at that version', async () => {
  const common = new CommonClient(svc.endpoint, '2020-01-01', {
    credential: { secretId: svc.secretId, secretKey: svc.secretKey },
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint: svc.endpoint, protocol: 'http://' } },
  });
  assert.equal(await sdkCode(common.request('DescribeRegions', {})), 'NoSuchVersion');
  assertEnvelope(await v1Request(target, { action: 'DescribeRegions', version: '2099-12-31' }), 'NoSuchVersion');
});

test('UnsupportedRegion: a region not among the 18', async () => {
  for (const profile of SIGN_METHODS) assert.equal(await sdkCode(client({ region: 'xx-nowhere-1', profile }).DescribeZones({})), 'UnsupportedRegion');
  assert.equal(await sdkCode(client({ region: 'ap-nowhere' }).DescribeRegions()), 'UnsupportedRegion');
});

test('MissingParameter: required field, region, action, version', async () => {
  assert.equal(await sdkCode(client().DescribeDBInstanceAttribute({} as any)), 'MissingParameter');
  assert.equal(await sdkCode(client({ profile: { signMethod: 'HmacSHA1', httpProfile: { reqMethod: 'GET' } } }).DescribeDBInstanceAttribute({} as any)), 'MissingParameter');
  // The v4 SDK sends an empty X-TC-Region for region "", the intl one "null": both are "no region".
  assert.equal(await sdkCode(client({ region: '' }).DescribeZones({})), 'MissingParameter');
  assertEnvelope(await tc3Request(target, { action: 'DescribeZones', region: 'null' }), 'MissingParameter');
  assertEnvelope(await tc3Request(target, { action: '' }), 'MissingParameter');
  assertEnvelope(await tc3Request(target, { action: 'DescribeRegions', version: '' }), 'MissingParameter');
  const p = v1Params(target, { action: 'DescribeRegions', host: `127.0.0.1:${svc.port}` });
  delete p.Timestamp;
  assertEnvelope(await rawRequest(svc.port, { method: 'GET', path: '/?' + formEncode(p) }), 'MissingParameter');
});

test('UnknownParameter: a field the action does not define, at any depth', async () => {
  for (const profile of SIGN_METHODS) assert.equal(await sdkCode(client({ profile }).DescribeRegions({ Bogus: 1 } as any)), 'UnknownParameter');
  assert.equal(await sdkCode(client().DescribeDBInstances({ Filters: [{ Name: 'x', Values: ['y'], Extra: 1 }] } as any)), 'UnknownParameter');
  assertEnvelope(await tc3Request(target, { action: 'DescribeRegions', body: '{"__proto__":{"polluted":true}}' }), 'UnknownParameter');
  assertEnvelope(await v1Request(target, { action: 'DescribeRegions', params: { 'Filters.0.Name': 'x' } }), 'UnknownParameter');
});

test('InvalidParameter: wrong types, malformed JSON or form, bad content type', async () => {
  for (const profile of SIGN_METHODS) assert.equal(await sdkCode(client({ profile }).DescribeZones({ StorageType: { a: 1 } } as any)), 'InvalidParameter');
  assert.equal(await sdkCode(client().DescribeDBInstances({ Limit: 'ten' } as any)), 'InvalidParameter');
  assert.equal(await sdkCode(client({ profile: { httpProfile: { reqMethod: 'GET' } } }).DescribeDBInstances({ Limit: 1.5 } as any)), 'InvalidParameter');
  assert.equal(await sdkCode(client().DescribeDBInstances({ Filters: 'x' } as any)), 'InvalidParameter');
  for (const body of ['{', '{"a":', 'null', '[1,2]', '"str"', '\u0000\u00ff']) assertEnvelope(await tc3Request(target, { action: 'DescribeRegions', body }), 'InvalidParameter');
  // A signed GET whose query is not valid form encoding.
  assertEnvelope(await tc3Request(target, { method: 'GET', action: 'DescribeRegions', query: 'a=%zz' }), 'InvalidParameter');
  assertEnvelope(await rawRequest(svc.port, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'SecretId=%E0%A4%A&Signature=x' }), 'InvalidParameter');
  // TC3 POST must be JSON (or form); anything else is refused after the signature check.
  assertEnvelope(await tc3Request(target, { action: 'DescribeRegions', contentType: 'text/plain', body: '{}' }), 'InvalidParameter');
  assertEnvelope(await tc3Request(target, { action: 'DescribeRegions', extraHeaders: { 'X-TC-Timestamp': 'yesterday' } }), 'InvalidParameter');
});

test('RequestSizeLimitExceeded: GET over 32 KB, v1 POST over 1 MB, TC3 POST over 10 MB', async () => {
  const host = `127.0.0.1:${svc.port}`;
  const bigQuery = 'Pad=' + 'a'.repeat(33 * 1024);
  assertEnvelope(await tc3Request(target, { method: 'GET', action: 'DescribeRegions', query: bigQuery }), 'RequestSizeLimitExceeded');
  // A GET just under the limit is read (and answered on its merits).
  assertEnvelope(await tc3Request(target, { method: 'GET', action: 'DescribeRegions', query: 'Pad=' + 'a'.repeat(30 * 1024) }), 'UnknownParameter');
  const p = v1Params(target, { action: 'DescribeRegions', host, params: { Pad: 'a'.repeat(1024 * 1024 + 10) } });
  assertEnvelope(await rawRequest(svc.port, { method: 'POST', headers: { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(p) }), 'RequestSizeLimitExceeded');
  const big = JSON.stringify({ Pad: 'a'.repeat(10 * 1024 * 1024) });
  assertEnvelope(await tc3Request(target, { action: 'DescribeRegions', body: big }), 'RequestSizeLimitExceeded');
  // A TC3 POST of 9 MB is read (and answered on its merits).
  assertEnvelope(await tc3Request(target, { action: 'DescribeRegions', body: JSON.stringify({ Pad: 'a'.repeat(9 * 1024 * 1024) }) }), 'UnknownParameter');
  // Headers beyond what any valid request needs.
  assertEnvelope(await rawRequest(svc.port, { method: 'GET', path: '/', headers: { 'X-Pad': 'a'.repeat(60 * 1024) } }), 'RequestSizeLimitExceeded');
});

test('UnsupportedProtocol: methods other than GET and POST, paths other than /', async () => {
  for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND']) {
    const r = await rawRequest(svc.port, { method, headers: { 'Content-Type': 'application/json' }, body: method === 'HEAD' ? undefined : '{}' });
    assert.equal(r.status, 200, method);
    if (method !== 'HEAD') assertEnvelope(r, 'UnsupportedProtocol');
  }
  // A PUT with a large body is refused without reading it.
  assertEnvelope(await rawRequest(svc.port, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: Buffer.alloc(20 * 1024 * 1024, 32) }), 'UnsupportedProtocol');
  assertEnvelope(await rawRequest(svc.port, { method: 'GET', path: '/nothing/here' }), 'UnsupportedProtocol');
  assertEnvelope(await rawRequest(svc.port, { method: 'POST', path: '/v2/', headers: { 'Content-Type': 'application/json' }, body: '{}' }), 'UnsupportedProtocol');
});

test('InternalError: an unexpected failure; its cause in the log, never in the reply', async () => {
  // A key whose sealed SecretKey cannot be opened makes the key lookup itself fail.
  const db = new Database(path.join(svc.dataDir, 'pgcloud.db'));
  const { uin } = db.prepare('SELECT uin FROM accounts WHERE is_default = 1').get() as { uin: string };
  const secretId = 'AKID' + 'C'.repeat(32);
  db.prepare("INSERT INTO api_keys (secret_id, uin, secret_key_enc, status, created_at) VALUES (?, ?, 'v1:corrupt-sealed-secret', 'Active', ?)").run(secretId, uin, new Date().toISOString());
  db.close();
  const r = await tc3Request({ ...target, secretId }, { action: 'DescribeRegions' });
  assertEnvelope(r, 'InternalError');
  assert.equal(r.json.Response.Error.Message, 'An internal error occurred.');
  assert.doesNotMatch(r.text, /sealed|decipher|auth tag|stack|at /i);
  const deadline = Date.now() + 2000;
  while (!svc.output().includes(r.json.Response.RequestId) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  const line = svc.output().split('\n').find((l) => l.includes(r.json.Response.RequestId) && l.includes('internal error'));
  assert.ok(line, 'the cause is logged with the RequestId');
  assert.match(line!, /"err":/);
});

test('an ApiError from a handler becomes its code and message', async () => {
  const err = await client().DescribeDBInstanceAttribute({ DBInstanceId: 'postgres-nonexist' }).catch((e) => e);
  assert.ok(err.code && err.code !== 'InternalError', err.code);
  assert.ok(err.code.includes('NotFound') || err.code.includes('NotExist') || err.code.startsWith('InvalidParameterValue'), err.code);
});

test('Fastify\'s own failures come back as the envelope too', async () => {
  // Content-Type that does not parse as a media type.
  assertEnvelope(await rawRequest(svc.port, { method: 'POST', headers: { 'Content-Type': '/', Authorization: 'x' }, body: '{}' }), 'InvalidParameter');
  // A malformed URL.
  assertEnvelope(await rawRequest(svc.port, { method: 'GET', path: '/%zz' }), 'InvalidParameter');
  // Still serving.
  assert.equal((await client().DescribeRegions()).TotalCount, 18);
});

test('one log line per request, with no secret in it', async () => {
  const password = 'Sup3r-Secret-Pa55!';
  await sdkCode(client().CreateInstances({ AdminPassword: password, Bogus: 1 } as any));
  await sdkCode(client({ profile: { signMethod: 'HmacSHA256' } }).CreateInstances({ AdminPassword: password, Bogus: 1 } as any));
  await new Promise((r) => setTimeout(r, 200));
  const out = svc.output();
  const lines = out.split('\n').filter((l) => l.includes('"api request"'));
  assert.ok(lines.length > 50, `only ${lines.length} request lines`);
  const sample = JSON.parse(lines.find((l) => l.includes('"CreateInstances"'))!);
  for (const field of ['action', 'service', 'uin', 'requestId', 'code', 'ms']) assert.ok(field in sample, field);
  assert.equal(sample.code, 'UnknownParameter');
  for (const secret of [password, svc.secretKey, 'Signature=', 'Credential=', 'TC3-HMAC-SHA256']) {
    assert.ok(!out.includes(secret), `the log contains ${secret}`);
  }
});
