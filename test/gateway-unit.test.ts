// The gateway's pure parts, without HTTP: signature algorithms against the official test vectors,
// un-flattening and coercion against a rich schema, the rate limiter's window, the message table.
// Everything here is also exercised end to end by the gateway-*.test.ts files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestSchema } from '../src/core/action.ts';
import { parseTc3Authorization, tc3Signature, v1Signature, v1StringToSign, sha256Hex } from '../src/server/signature.ts';
import { fromFlat, fromJson, parseForm, parseJsonBody } from '../src/server/params.ts';
import { GatewayError } from '../src/server/gateway-error.ts';
import { RateLimiter } from '../src/server/ratelimit.ts';
import { message, messageKeys } from '../src/server/messages.ts';
import { tc3Headers, v1Params } from './support/signer.ts';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatewayError) return e.code;
    throw e;
  }
  return 'Success';
};

test('TC3-HMAC-SHA256: the official test vector', () => {
  const body = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
  assert.equal(sha256Hex(body), '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
  const secretKey = 'Gu5t9xGARNpq86cd98joQYCN3*******';
  const auth = parseTc3Authorization(
    'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
  )!;
  assert.equal(auth.service, 'cvm');
  const sig = tc3Signature(
    { method: 'POST', rawQuery: '', headers: { 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com' }, body: Buffer.from(body), timestamp: '1551113065', auth, secretKey },
    'cvm.tencentcloudapi.com',
  );
  assert.equal(sig, auth.signature);
  // The test client's own signer agrees.
  const h = tc3Headers(
    { secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******', secretKey },
    { action: 'DescribeInstances', host: 'cvm.tencentcloudapi.com', service: 'cvm', body, contentType: 'application/json; charset=utf-8', timestamp: 1551113065 },
  );
  assert.match(h.Authorization!, /Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c$/);
});

test('TC3 Authorization parsing refuses what is not TC3', () => {
  for (const bad of ['', 'SKIP', 'TC3-HMAC-SHA256', 'TC3-HMAC-SHA256 Credential=a/2019-02-25/cvm/tc3_request, SignedHeaders=host, Signature=xyz', 'Bearer abc', 'x'.repeat(5000)]) {
    assert.equal(parseTc3Authorization(bad), undefined, bad);
  }
});

test('signature v1: the official HmacSHA1 test vector', () => {
  const params = new Map(
    Object.entries({
      Action: 'DescribeInstances', 'InstanceIds.0': 'ins-09dx96dg', Limit: '20', Nonce: '11886', Offset: '0', Region: 'ap-guangzhou',
      SecretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', Timestamp: '1465185768', Version: '2017-03-12',
    } as Record<string, string>),
  );
  const s = v1StringToSign('GET', 'cvm.tencentcloudapi.com', params);
  assert.equal(
    s,
    'GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12',
  );
  assert.equal(v1Signature('Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', s, 'sha1'), 'EliP9YW3pW28FpsEdkXt/+WcGeI=');
  const p = v1Params(
    { secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE' },
    { method: 'GET', action: 'DescribeInstances', host: 'cvm.tencentcloudapi.com', region: 'ap-guangzhou', version: '2017-03-12', timestamp: 1465185768, nonce: 11886, params: { 'InstanceIds.0': 'ins-09dx96dg', Limit: '20', Offset: '0' } },
  );
  assert.equal(p.Signature, 'EliP9YW3pW28FpsEdkXt/+WcGeI=');
});

const schema: RequestSchema = {
  Name: { type: 'string', required: true, description: '' },
  Count: { type: 'integer', description: '' },
  Ratio: { type: 'number', description: '' },
  Flag: { type: 'boolean', description: '' },
  Ids: { type: { array: 'string' }, description: '' },
  Nodes: { type: { array: { object: { Role: { type: 'string', required: true, description: '' }, Weight: { type: 'integer', description: '' } } } }, description: '' },
  Filters: { type: { array: { object: { Name: { type: 'string', description: '' }, Values: { type: { array: 'string' }, description: '' } } } }, description: '' },
  Spec: { type: { object: { Cpu: { type: 'integer', required: true, description: '' } } }, description: '' },
};

test('un-flattening and coercion follow the schema', () => {
  const flat = parseForm(
    'Name=a%20b+c&Count=-3&Ratio=1.5e2&Flag=true&Ids.0=x&Ids.1=y&Nodes.0.Role=Primary&Nodes.0.Weight=2&Nodes.1.Role=Standby&Filters.0.Name=n&Filters.0.Values.0=v0&Filters.0.Values.1=v1&Spec.Cpu=4',
  );
  assert.deepEqual(fromFlat(flat, schema), {
    Name: 'a b c', Count: -3, Ratio: 150, Flag: true, Ids: ['x', 'y'],
    Nodes: [{ Role: 'Primary', Weight: 2 }, { Role: 'Standby' }],
    Filters: [{ Name: 'n', Values: ['v0', 'v1'] }],
    Spec: { Cpu: 4 },
  });
  // Indices may arrive in any order (GET keeps the client's order).
  assert.deepEqual(fromFlat(parseForm('Name=a&Ids.1=y&Ids.0=x'), schema).Ids, ['x', 'y']);
});

test('flat parameters: each kind of mistake has its code', () => {
  const cases: Array<[string, string]> = [
    ['Count=1', 'MissingParameter'],
    ['Name=a&Bogus=1', 'UnknownParameter'],
    ['Name=a&__proto__=1', 'UnknownParameter'],
    ['Name=a&Nodes.0.Bogus=1&Nodes.0.Role=x', 'UnknownParameter'],
    ['Name=a&Nodes.0.Weight=1', 'MissingParameter'],
    ['Name=a&Spec.Bogus=1', 'UnknownParameter'],
    ['Name=a&Count=1.5', 'InvalidParameter'],
    ['Name=a&Count=99999999999999999999', 'InvalidParameter'],
    ['Name=a&Count=', 'InvalidParameter'],
    ['Name=a&Ratio=abc', 'InvalidParameter'],
    ['Name=a&Ratio=1e999', 'InvalidParameter'],
    ['Name=a&Flag=yes', 'InvalidParameter'],
    ['Name=a&Ids=x', 'InvalidParameter'],
    ['Name=a&Ids.0=x&Ids.2=z', 'InvalidParameter'],
    ['Name=a&Ids.01=x', 'InvalidParameter'],
    ['Name=a&Ids.x=x', 'InvalidParameter'],
    ['Name=a&Ids.0=x&Ids.0.y=z', 'InvalidParameter'],
    ['Name.0=a', 'InvalidParameter'],
    ['Name=a&Spec=4', 'InvalidParameter'],
    ['Name=a&Name=b', 'InvalidParameter'],
    ['Name=%zz', 'InvalidParameter'],
    ['Name=a&Ids..0=x', 'UnknownParameter'],
  ];
  for (const [text, code] of cases) assert.equal(codeOf(() => fromFlat(parseForm(text), schema)), code, text);
});

test('JSON bodies: types are checked, null means absent', () => {
  assert.deepEqual(fromJson(parseJsonBody(Buffer.from('{"Name":"a","Count":null,"Nodes":[{"Role":"r"}]}')), schema), { Name: 'a', Nodes: [{ Role: 'r' }] });
  assert.deepEqual(parseJsonBody(undefined), {});
  const cases: Array<[string, string]> = [
    ['{', 'InvalidParameter'],
    ['[]', 'InvalidParameter'],
    ['"x"', 'InvalidParameter'],
    ['null', 'InvalidParameter'],
    ['{}', 'MissingParameter'],
    ['{"Name":1}', 'InvalidParameter'],
    ['{"Name":"a","Count":"1"}', 'InvalidParameter'],
    ['{"Name":"a","Count":1.5}', 'InvalidParameter'],
    ['{"Name":"a","Count":1e300}', 'InvalidParameter'],
    ['{"Name":"a","Ratio":1e999}', 'InvalidParameter'],
    ['{"Name":"a","Flag":"true"}', 'InvalidParameter'],
    ['{"Name":"a","Ids":"x"}', 'InvalidParameter'],
    ['{"Name":"a","Ids":[null]}', 'InvalidParameter'],
    ['{"Name":"a","Ids":[1]}', 'InvalidParameter'],
    ['{"Name":"a","Spec":[]}', 'InvalidParameter'],
    ['{"Name":"a","Spec":{}}', 'MissingParameter'],
    ['{"Name":"a","Nodes":[{"Role":"r","X":1}]}', 'UnknownParameter'],
    ['{"Name":"a","__proto__":{"x":1}}', 'UnknownParameter'],
    ['{"Name":"a","constructor":1}', 'UnknownParameter'],
    ['{"Name":"a","Bogus":' + '['.repeat(10000) + ']'.repeat(10000) + '}', 'UnknownParameter'],
  ];
  for (const [text, code] of cases) assert.equal(codeOf(() => fromJson(parseJsonBody(Buffer.from(text)), schema)), code, text.slice(0, 60));
});

test('the rate limiter slides its window', () => {
  let now = 10_000;
  const rl = new RateLimiter(() => now);
  let passed = 0;
  // 150 requests spread over one second, straddling a window boundary.
  now = 10_500;
  for (let i = 0; i < 150; i++, now += 1000 / 150) if (rl.allow('a', 100)) passed++;
  assert.ok(passed >= 99 && passed <= 101, `passed ${passed}`);
  assert.equal(rl.allow('b', 100), true, 'other keys are independent');
  now += 2000;
  assert.equal(rl.allow('a', 100), true, 'the window moves on');
});

test('every message has both languages', () => {
  for (const key of messageKeys()) {
    const en = message(key, 'en-US', ['X', 'string']);
    const zh = message(key, 'zh-CN', ['X', 'string']);
    assert.ok(en.length > 0 && zh.length > 0 && en !== zh, key);
    assert.match(zh, /[\u4e00-\u9fff]/, key);
  }
  assert.equal(message('AuthFailure.SignatureFailure', 'zh-CN'), '请求签名验证失败，请检查您的签名计算是否正确。');
});
