// The gateway over real HTTP on loopback, built in-process with buildServer() around a registry of
// test actions, for what the real actions cannot show: that a handler receives exactly the typed,
// un-flattened request whatever the signature method, the ActionContext it gets, how the service
// is chosen among same-named actions of several services, and handler failures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import * as tc from 'tencentcloud-sdk-nodejs';
import type { FastifyInstance } from 'fastify';
import type { ActionContext, ActionDefinition } from '../src/core/action.ts';
import { ApiError } from '../src/core/errors.ts';
import { loadConfig } from '../src/core/config.ts';
import { loadCatalog } from '../src/core/catalog/index.ts';
import { SecretBox } from '../src/core/secrets.ts';
import { systemClock } from '../src/core/time.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { createAccount, createKey } from '../src/store/accounts.ts';
import { buildServer } from '../src/server/app.ts';
import type { Registry } from '../src/server/registry.ts';
import { codeOf, rawRequest, tc3Headers, type Target } from './support/signer.ts';

let dir: string;
let db: Store;
let app: FastifyInstance;
let target: Target;
let endpoint: string;
let uin: string;
let appId: number;
let lastCtx: ActionContext | undefined;
let woken = 0;
const logLines: string[] = [];

const def = (d: Partial<ActionDefinition> & Pick<ActionDefinition, 'service' | 'version' | 'name'>): ActionDefinition => ({
  request: {},
  regionRequired: false,
  rateLimit: 100_000,
  handle: async (ctx) => ({ Service: d.service, Version: d.version, Region: ctx.region }),
  ...d,
});

const actions: ActionDefinition[] = [
  def({
    service: 'postgres',
    version: '2017-03-12',
    name: 'EchoTest',
    regionRequired: true,
    request: {
      Name: { type: 'string', required: true, description: '' },
      Count: { type: 'integer', description: '' },
      Ratio: { type: 'number', description: '' },
      Flag: { type: 'boolean', description: '' },
      DBNodeSet: { type: { array: { object: { Role: { type: 'string', required: true, description: '' }, Zone: { type: 'string', description: '' } } } }, description: '' },
      Filters: { type: { array: { object: { Name: { type: 'string', description: '' }, Values: { type: { array: 'string' }, description: '' } } } }, description: '' },
      TagList: { type: { array: { object: { TagKey: { type: 'string', description: '' }, TagValue: { type: 'string', description: '' } } } }, description: '' },
      Ids: { type: { array: 'integer' }, description: '' },
      Spec: { type: { object: { Cpu: { type: 'integer', description: '' }, Fast: { type: 'boolean', description: '' } } }, description: '' },
    },
    async handle(ctx, req) {
      lastCtx = ctx;
      ctx.wakeReconciler();
      return { Received: req };
    },
  }),
  def({ service: 'postgres', version: '2017-03-12', name: 'Shared' }),
  def({ service: 'vpc', version: '2017-03-12', name: 'Shared' }),
  def({ service: 'vpc', version: '2017-03-12', name: 'DescribeThing' }),
  def({ service: 'tag', version: '2018-08-13', name: 'DescribeThing' }),
  def({ service: 'kms', version: '2019-01-18', name: 'OnlyKms' }),
  def({
    service: 'postgres', version: '2017-03-12', name: 'ThrowsApiError',
    handle: async () => {
      throw new ApiError('InvalidParameterValue.InvalidCharset', 'Charset must be UTF8 or LATIN1.');
    },
  }),
  def({
    service: 'postgres', version: '2017-03-12', name: 'ThrowsBug',
    handle: async () => {
      throw new TypeError('cannot read the secret sauce of undefined');
    },
  }),
  def({ service: 'postgres', version: '2017-03-12', name: 'ReturnsNothing', handle: async () => undefined as any }),
];

const registry: Registry = {
  get: (service, action) => actions.find((a) => a.service === service && a.name === action),
  byName: (action) => actions.filter((a) => a.name === action),
  all: () => [...actions],
};

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-gw-'));
  db = await openStore(dir);
  const box = SecretBox.forDataDir(dir);
  const account = await createAccount(db, 'inprocess', true);
  uin = account.uin;
  appId = account.appId;
  const key = await createKey(db, box, account.uin);
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  app = await buildServer({
    config: loadConfig({ dataDir: dir }),
    db,
    box,
    catalog: loadCatalog([{ major: '16', version: '16.4' }]),
    registry,
    log: pino({ level: 'info' }, sink),
    clock: systemClock,
    wakeReconciler: () => void woken++,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  target = { port, ...key };
  endpoint = `127.0.0.1:${port}`;
});

after(async () => {
  await app?.close();
  await db?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const client = (profile: Record<string, any> = {}, region = 'ap-shanghai') =>
  new tc.postgres.v20170312.Client({
    credential: { secretId: target.secretId, secretKey: target.secretKey },
    region,
    profile: { ...profile, httpProfile: { endpoint, protocol: 'http://', ...profile.httpProfile } },
  });

const PROFILES = [
  { name: 'TC3 POST', profile: {} },
  { name: 'TC3 GET', profile: { httpProfile: { reqMethod: 'GET' } } },
  { name: 'v1 HmacSHA256 POST', profile: { signMethod: 'HmacSHA256' } },
  { name: 'v1 HmacSHA1 POST', profile: { signMethod: 'HmacSHA1' } },
  { name: 'v1 HmacSHA1 GET', profile: { signMethod: 'HmacSHA1', httpProfile: { reqMethod: 'GET' } } },
];

test('the handler receives the same typed request whatever the signature method', async () => {
  const request = {
    Name: 'a b&c=d+e%f 测试 \'*()!~',
    Count: -42,
    Ratio: 2.5,
    Flag: false,
    DBNodeSet: [{ Role: 'Primary', Zone: 'ap-shanghai-2' }, { Role: 'Standby', Zone: 'ap-shanghai-3' }],
    Filters: [{ Name: 'db-instance-id', Values: ['postgres-1', 'postgres-2'] }],
    TagList: [{ TagKey: 'env', TagValue: '' }],
    Ids: Array.from({ length: 12 }, (_, i) => i * 10),
    Spec: { Cpu: 4, Fast: true },
  };
  for (const { name, profile } of PROFILES) {
    const res: any = await client(profile).request('EchoTest', structuredClone(request));
    assert.deepEqual(res.Received, request, name);
    assert.equal(res.RequestId, lastCtx!.requestId, name);
  }
});

test('the ActionContext: account from the key, region, language, request-scoped logger, wakeReconciler', async () => {
  const before = woken;
  await client({ language: 'zh-CN' }, 'ap-tokyo').request('EchoTest', { Name: 'x' });
  const ctx = lastCtx!;
  assert.deepEqual(ctx.account, { uin, appId });
  assert.equal(ctx.region, 'ap-tokyo');
  assert.equal(ctx.language, 'zh-CN');
  assert.ok(ctx.db && ctx.clock && ctx.config && ctx.catalog.regions.length === 18);
  assert.equal(woken, before + 1);
  ctx.log.info('from the handler');
  const line = JSON.parse([...logLines].reverse().find((l) => l.includes('from the handler'))!);
  assert.equal(line.requestId, ctx.requestId);
});

test('an unknown action is logged with the service its credential scope names (metrics: known services only)', async () => {
  const call = async (service: string) => {
    const r = await rawRequest(target.port, { method: 'POST', headers: tc3Headers(target, { action: 'NoSuchThing', version: '2018-08-13', service, region: 'ap-guangzhou', host: endpoint, body: '{}' }), body: '{}' });
    assert.equal(codeOf(r), 'InvalidAction');
    return JSON.parse(logLines.find((l) => l.includes(r.json.Response.RequestId) && l.includes('"api request"'))!);
  };
  for (const service of ['tag', 'vpc', 'kms']) {
    const line = await call(service);
    assert.equal(line.service, service);
    assert.equal(line.action, 'NoSuchThing');
    assert.equal(line.code, 'InvalidAction');
  }
  // A scope naming no service of ours is logged as sent (clipped), but never becomes a metrics label.
  assert.equal((await call('cvm')).service, 'cvm');
  const metrics = await (await fetch(`http://${endpoint}/metrics`)).text();
  assert.match(metrics, /pgcloud_api_requests_total\{service="tag",action="unknown",code="InvalidAction"\} \d+/);
  assert.doesNotMatch(metrics, /service="cvm"/);
});

test('service resolution: credential scope, then Host label, then name and version, then postgres', async () => {
  const call = async (o: { action: string; version: string; service?: string; host?: string }) => {
    const r = await rawRequest(target.port, {
      method: 'POST',
      headers: tc3Headers(target, { action: o.action, version: o.version, service: o.service ?? '127', host: o.host ?? endpoint, body: '{}' }),
      body: '{}',
    });
    return r.json.Response.Error?.Code ?? `${r.json.Response.Service}@${r.json.Response.Version}`;
  };
  // Scope service names a service.
  assert.equal(await call({ action: 'Shared', version: '2017-03-12', service: 'vpc' }), 'vpc@2017-03-12');
  assert.equal(await call({ action: 'Shared', version: '2017-03-12', service: 'postgres' }), 'postgres@2017-03-12');
  assert.equal(await call({ action: 'DescribeThing', version: '2018-08-13', service: 'vpc' }), 'NoSuchVersion');
  assert.equal(await call({ action: 'OnlyKms', version: '2019-01-18', service: 'postgres' }), 'InvalidAction');
  // Host label names a service (scope "127").
  assert.equal(await call({ action: 'Shared', version: '2017-03-12', host: `vpc.tencentcloudapi.com:${target.port}` }), 'vpc@2017-03-12');
  assert.equal(await call({ action: 'DescribeThing', version: '2018-08-13', host: `tag.tencentcloudapi.com:${target.port}` }), 'tag@2018-08-13');
  // Neither: the unique action with that name and version.
  assert.equal(await call({ action: 'DescribeThing', version: '2018-08-13' }), 'tag@2018-08-13');
  assert.equal(await call({ action: 'DescribeThing', version: '2017-03-12' }), 'vpc@2017-03-12');
  assert.equal(await call({ action: 'OnlyKms', version: '2019-01-18' }), 'kms@2019-01-18');
  assert.equal(await call({ action: 'DescribeThing', version: '2019-01-01' }), 'NoSuchVersion');
  // Still ambiguous: postgres.
  assert.equal(await call({ action: 'Shared', version: '2017-03-12' }), 'postgres@2017-03-12');
  // An unknown scope service ("localhost:PORT" from a localhost endpoint) falls through as well.
  assert.equal(await call({ action: 'OnlyKms', version: '2019-01-18', service: `localhost:${target.port}` }), 'kms@2019-01-18');
});

test('parameter errors name the parameter, at any depth, in both languages', async () => {
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{}, 'MissingParameter', /`Name`/],
    [{ Name: 'x', DBNodeSet: [{ Zone: 'z' }] }, 'MissingParameter', /`DBNodeSet\.0\.Role`/],
    [{ Name: 'x', Filters: [{ Name: 'n', Valuez: ['v'] }] }, 'UnknownParameter', /`Filters\.0\.Valuez`/],
    [{ Name: 'x', Spec: { Cpu: 'four' } }, 'InvalidParameter', /`Spec\.Cpu`/],
    [{ Name: 'x', Ids: [1, 2, 'three'] }, 'InvalidParameter', /`Ids\.2`/],
    [{ Name: 'x', Flag: 'yes' }, 'InvalidParameter', /`Flag`/],
  ];
  for (const { name, profile } of PROFILES) {
    for (const [req, code, where] of cases) {
      const e = await client(profile).request('EchoTest', req).catch((err) => err);
      assert.equal(e.code, code, `${name} ${JSON.stringify(req)}`);
      assert.match(e.message, where, `${name} ${JSON.stringify(req)}`);
    }
  }
  const zh = await client({ language: 'zh-CN' }).request('EchoTest', {}).catch((e) => e);
  assert.equal(zh.message, '缺少必填参数 `Name`。');
  // A region-requiring action without a region.
  const noRegion = await client({}, '').request('EchoTest', { Name: 'x' }).catch((e) => e);
  assert.equal(noRegion.code, 'MissingParameter');
});

test('handler failures: an ApiError keeps its code and message; anything else is InternalError, cause logged only', async () => {
  const api = await client().request('ThrowsApiError', {}).catch((e) => e);
  assert.equal(api.code, 'InvalidParameterValue.InvalidCharset');
  assert.equal(api.message, 'Charset must be UTF8 or LATIN1.');
  for (const action of ['ThrowsBug', 'ReturnsNothing']) {
    const r = await rawRequest(target.port, { method: 'POST', headers: tc3Headers(target, { action, host: endpoint, body: '{}' }), body: '{}' });
    assert.equal(codeOf(r), 'InternalError');
    assert.doesNotMatch(r.text, /secret sauce|TypeError|returned/);
    const logged = logLines.find((l) => l.includes(r.json.Response.RequestId) && l.includes('internal error'));
    assert.ok(logged, `${action}: cause logged`);
    if (action === 'ThrowsBug') assert.match(logged!, /secret sauce/);
  }
  const last = JSON.parse([...logLines].reverse().find((l) => l.includes('"api request"'))!);
  assert.equal(last.code, 'InternalError');
});
