// Rate limits are data: every registered action has its documented per-second limit, with the vendor
// page it comes from, in src/core/catalog/rate-limits.json, and the gateway takes each limit from there
// (test/gateway-ratelimit.test.ts shows it applied, per account, region and action).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRegistry } from '../src/server/registry.ts';
import { documentedRateLimit } from '../src/core/catalog/rateLimits.ts';
import { rateLimitOf } from '../src/server/ratelimit.ts';
import { loadConfig } from '../src/core/config.ts';
import data from '../src/core/catalog/rate-limits.json' with { type: 'json' };

test('every registered action has a documented limit with its source page', async () => {
  const registry = await loadRegistry();
  const missing: string[] = [];
  for (const def of registry.all()) {
    const limit = documentedRateLimit(def.service, def.name);
    if (!limit) {
      missing.push(`${def.service}/${def.name}`);
      continue;
    }
    assert.ok(Number.isInteger(limit.perSecond) && limit.perSecond > 0, `${def.service}/${def.name}: ${limit.perSecond}`);
    assert.match(limit.source, /^https:\/\/(www\.)?(cloud\.tencent\.com|tencentcloud\.com)\/document\//, `${def.service}/${def.name}`);
  }
  assert.deepEqual(missing, [], 'add these to src/core/catalog/rate-limits.json with the figure from their API page');
  // Action files carry no figures of their own: the catalogue is the one place.
  for (const def of registry.all()) assert.equal(def.rateLimit, undefined, `${def.service}/${def.name} sets rateLimit in its definition`);
});

test('the figures the vendor documents for the instance lifecycle', () => {
  const config = loadConfig({}, {});
  const of = (name: string) => rateLimitOf({ service: 'postgres', name }, config);
  assert.equal(of('DescribeDBInstanceAttribute'), 1000);
  assert.equal(of('DescribeDBInstances'), 1000);
  assert.equal(of('CreateInstances'), 100);
  assert.equal(of('IsolateDBInstances'), 100);
  assert.equal(of('DestroyDBInstance'), 50);
  assert.equal(of('CreateDatabase'), 20);
  assert.equal(rateLimitOf({ service: 'tag', name: 'DescribeTags' }, config), 60);
  assert.equal(rateLimitOf({ service: 'kms', name: 'Decrypt' }, config), 300);
  // Undocumented (test-only) actions: their own figure, else the operator's default; the scale multiplies all.
  assert.equal(rateLimitOf({ service: 'postgres', name: 'NoSuchAction' }, config), 20);
  assert.equal(rateLimitOf({ service: 'postgres', name: 'NoSuchAction', rateLimit: 7 }, config), 7);
  assert.equal(rateLimitOf({ service: 'postgres', name: 'CreateInstances' }, loadConfig({}, { PGCLOUD_RATE_LIMIT_SCALE: '2.5' })), 250);
  // Keyed by service: the same name in another service is another action.
  assert.equal(documentedRateLimit('vpc', 'CreateInstances'), undefined);
  assert.ok(Object.keys(data.limits).every((s) => ['postgres', 'vpc', 'tag', 'kms', 'billing', 'monitor'].includes(s)));
});
