// The gateway end to end with the official SDKs as clients, against a real `pgcloud serve`:
// every signature method and HTTP method they can use, both SDKs, languages and trace ids.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tc from 'tencentcloud-sdk-nodejs';
import { createRequire } from 'node:module';
import { startService, type TestService } from './support/service.ts';
import { rawRequest } from './support/signer.ts';

// The intl SDK is CommonJS without type declarations.
const require = createRequire(import.meta.url);
const intl = require('tencentcloud-sdk-nodejs-intl-en');
const intlCommon = require('tencentcloud-sdk-nodejs-intl-en/tencentcloud/common');

let svc: TestService;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: 'none' } });
});

after(async () => {
  await svc?.cleanup();
});

const v4 = (profile: Record<string, any> = {}, region: string | undefined = 'ap-guangzhou', creds?: { secretId: string; secretKey: string }) =>
  new tc.postgres.v20170312.Client({
    credential: creds ?? { secretId: svc.secretId, secretKey: svc.secretKey },
    region: region as string,
    profile: { ...profile, httpProfile: { endpoint: svc.endpoint, protocol: 'http://', reqTimeout: 30, ...profile.httpProfile } },
  });

/** The intl SDK's client with its defaults (HmacSHA256, form POST) unless told otherwise; promisified. */
function intlCall(action: string, params: Record<string, unknown>, opts: { signMethod?: string; reqMethod?: string; region?: string | null } = {}): Promise<any> {
  const { Credential, ClientProfile, HttpProfile } = intlCommon;
  const client = new intl.postgres.v20170312.Client(
    new Credential(svc.secretId, svc.secretKey),
    opts.region === undefined ? 'ap-guangzhou' : opts.region,
    new ClientProfile(opts.signMethod, new HttpProfile('http://', svc.endpoint, opts.reqMethod ?? 'POST', 30)),
  );
  const models = intl.postgres.v20170312.Models;
  const req = new models[`${action}Request`]();
  req.from_json_string(JSON.stringify(params));
  return new Promise((resolve, reject) => client[action](req, (err: any, res: any) => (err ? reject(err) : resolve(res))));
}

const assertRegions = (res: any) => {
  assert.equal(res.TotalCount, 18);
  assert.equal(res.RegionSet.length, 18);
  const gz = res.RegionSet.find((r: any) => r.Region === 'ap-guangzhou');
  assert.equal(gz.RegionId, 1);
  assert.equal(gz.RegionState, 'AVAILABLE');
  assert.match(res.RequestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
};

test('healthz answers 200 once the service accepts calls', async () => {
  const r = await rawRequest(svc.port, { method: 'GET', path: '/healthz' });
  assert.equal(r.status, 200);
});

test('v4 SDK: DescribeRegions over TC3 POST (the default)', async () => {
  assertRegions(await v4().DescribeRegions());
});

test('v4 SDK: DescribeRegions over TC3 GET', async () => {
  assertRegions(await v4({ httpProfile: { reqMethod: 'GET' } }).DescribeRegions());
});

test('v4 SDK: DescribeRegions over v1 HmacSHA256 and HmacSHA1, POST and GET', async () => {
  for (const signMethod of ['HmacSHA256', 'HmacSHA1']) {
    for (const reqMethod of ['POST', 'GET']) assertRegions(await v4({ signMethod, httpProfile: { reqMethod } }).DescribeRegions());
  }
});

test('v4 SDK: no region is fine for DescribeRegions', async () => {
  assertRegions(await v4({}, undefined).DescribeRegions());
});

test('v4 SDK: each RequestId is fresh', async () => {
  const ids = new Set<string>();
  for (let i = 0; i < 5; i++) ids.add((await v4().DescribeRegions()).RequestId!);
  assert.equal(ids.size, 5);
});

test('intl SDK: DescribeRegions with its default profile (HmacSHA256 form POST)', async () => {
  assertRegions(await intlCall('DescribeRegions', {}));
});

test('intl SDK: DescribeRegions over TC3, HmacSHA1 and GET; its literal "null" region', async () => {
  assertRegions(await intlCall('DescribeRegions', {}, { signMethod: 'TC3-HMAC-SHA256' }));
  assertRegions(await intlCall('DescribeRegions', {}, { signMethod: 'HmacSHA1' }));
  assertRegions(await intlCall('DescribeRegions', {}, { reqMethod: 'GET' }));
  assertRegions(await intlCall('DescribeRegions', {}, { signMethod: 'TC3-HMAC-SHA256', region: null }));
  assertRegions(await intlCall('DescribeRegions', {}, { region: null }));
});

test('flattened parameters reach handlers coerced (GET and v1 carry them as strings)', async () => {
  // DescribeZones takes a string field; the gateway checks it on every path.
  for (const profile of [{}, { httpProfile: { reqMethod: 'GET' } }, { signMethod: 'HmacSHA256' }, { signMethod: 'HmacSHA1', httpProfile: { reqMethod: 'GET' } }]) {
    const res = await v4(profile).DescribeZones({ StorageType: 'CLOUD_SSD' });
    assert.ok(res.TotalCount! > 0, JSON.stringify(profile));
  }
});

test('X-TC-Language zh-CN gives Chinese messages; en-US (default) English', async () => {
  const wrong = { secretId: svc.secretId, secretKey: 'x'.repeat(32) };
  const zh = await v4({ language: 'zh-CN' }, 'ap-guangzhou', wrong).DescribeRegions().catch((e) => e);
  assert.equal(zh.code, 'AuthFailure.SignatureFailure');
  assert.equal(zh.message, '请求签名验证失败，请检查您的签名计算是否正确。');
  const en = await v4({}, 'ap-guangzhou', wrong).DescribeRegions().catch((e) => e);
  assert.equal(en.message, 'The provided credentials could not be validated. Please check your signature is correct.');
  // v1 carries the language as a parameter.
  const v1zh = await v4({ language: 'zh-CN', signMethod: 'HmacSHA256' }, 'ap-guangzhou').request('NoSuchAction', {}).catch((e) => e);
  assert.equal(v1zh.code, 'InvalidAction');
  assert.match(v1zh.message, /[\u4e00-\u9fff]/);
  // Localised data too.
  const regions = await v4({ language: 'zh-CN' }).DescribeRegions();
  assert.match(regions.RegionSet!.find((r) => r.Region === 'ap-guangzhou')!.RegionName!, /广州/);
});

test('the X-TC-TraceId of the request comes back on the reply', async () => {
  const err = await v4({ httpProfile: { headers: { 'X-TC-TraceId': 'trace-abc-123' } } })
    .request('NoSuchAction', {})
    .catch((e) => e);
  assert.equal(err.code, 'InvalidAction');
  assert.equal(err.traceId, 'trace-abc-123');
  assert.match(err.requestId, /^[0-9a-f-]{36}$/);
});
