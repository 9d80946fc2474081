// GET /metrics: Prometheus text after a known sequence of calls, with exact counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { postgresClient, errorCode, waitForStatus, type PostgresClient } from './support/sdk.ts';

let svc: TestService;
let client: PostgresClient;

before(async () => {
  // No background templates: only the one major this test creates is made (lean, and nothing is mid-initdb at cleanup).
  svc = await startService({ env: { PGCLOUD_PREWARM: 'none' } });
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

/** The value of one sample line (name with its labels exactly as exposed), or undefined. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

const scrape = async () => {
  const res = await fetch(`${svc.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
};

test('/metrics counts requests by service, action and code, and reports instances, provisioning and the reconciler', async () => {
  const before = await scrape();
  // Nothing was called yet; every metric is declared.
  assert.equal(sample(before, 'pgcloud_api_requests_total{service="postgres",action="DescribeZones",code="Success"}'), undefined);
  for (const name of ['pgcloud_api_request_duration_seconds', 'pgcloud_instances', 'pgcloud_provisioning_duration_seconds', 'pgcloud_failover_duration_seconds', 'pgcloud_reconciler_backlog']) {
    assert.match(before, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
  assert.equal(sample(before, 'pgcloud_failover_duration_seconds_count'), 0);
  assert.equal(sample(before, 'pgcloud_provisioning_duration_seconds_count'), 0);

  // A known sequence: 3 × DescribeZones, 2 × DescribeDBVersions, 1 unknown action, 1 bad zone, 1 create.
  for (let i = 0; i < 3; i++) await client.DescribeZones({});
  for (let i = 0; i < 2; i++) await client.DescribeDBVersions({});
  assert.equal(await errorCode((client as any).request('NoSuchThing', {})), 'InvalidAction');
  const base = { SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, Charset: 'UTF8', AdminName: 'dbadmin', AdminPassword: 'Pgcloud#2026pw', DBMajorVersion: '16', InstanceChargeType: 'POSTPAID_BY_HOUR' };
  const badZone = await errorCode(client.CreateInstances({ ...base, Zone: 'ap-nowhere-9' }));
  assert.ok(badZone, 'a create in an unknown zone fails');
  const res = await client.CreateInstances({ ...base, Zone: 'ap-guangzhou-3' });
  const id = res.DBInstanceIdSet![0]!;
  await waitForStatus(client, id, 'running');
  // Each waitForStatus poll is one DescribeDBInstanceAttribute: counted below relative to the others.

  // `running` is visible before the reconciler has finished its round (it reads the new server's
  // settings next): wait for the backlog to drain, the state this scrape describes.
  let text = await scrape();
  for (const deadline = Date.now() + 60_000; sample(text, 'pgcloud_reconciler_backlog') !== 0 && Date.now() < deadline; text = await scrape()) await new Promise((r) => setTimeout(r, 50));
  assert.equal(sample(text, 'pgcloud_api_requests_total{service="postgres",action="DescribeZones",code="Success"}'), 3);
  assert.equal(sample(text, 'pgcloud_api_requests_total{service="postgres",action="DescribeDBVersions",code="Success"}'), 2);
  assert.equal(sample(text, 'pgcloud_api_requests_total{service="unknown",action="unknown",code="InvalidAction"}'), 1);
  assert.equal(sample(text, `pgcloud_api_requests_total{service="postgres",action="CreateInstances",code="${badZone}"}`), 1);
  assert.equal(sample(text, 'pgcloud_api_requests_total{service="postgres",action="CreateInstances",code="Success"}'), 1);
  const polls = sample(text, 'pgcloud_api_requests_total{service="postgres",action="DescribeDBInstanceAttribute",code="Success"}');
  assert.ok(polls !== undefined && polls >= 1, `DescribeDBInstanceAttribute counted (${polls})`);
  // The latency histogram saw exactly as many requests per action.
  assert.equal(sample(text, 'pgcloud_api_request_duration_seconds_count{action="DescribeZones"}'), 3);
  assert.equal(sample(text, 'pgcloud_api_request_duration_seconds_count{action="CreateInstances"}'), 2);
  assert.equal(sample(text, 'pgcloud_api_request_duration_seconds_count{action="DescribeDBInstanceAttribute"}'), polls);
  // One instance running, provisioned once; nothing left for the reconciler; no failovers.
  assert.equal(sample(text, 'pgcloud_instances{status="running"}'), 1);
  assert.equal(sample(text, 'pgcloud_provisioning_duration_seconds_count'), 1);
  assert.ok(sample(text, 'pgcloud_provisioning_duration_seconds_sum')! > 0);
  assert.equal(sample(text, 'pgcloud_reconciler_backlog'), 0);
  assert.equal(sample(text, 'pgcloud_failover_duration_seconds_count'), 0);

  // Scraping is not an API request, and other paths still answer UnsupportedProtocol.
  const again = await scrape();
  assert.equal(sample(again, 'pgcloud_api_requests_total{service="postgres",action="DescribeZones",code="Success"}'), 3);
  const other = await (await fetch(`${svc.url}/nothing-here`)).json();
  assert.equal(other.Response.Error.Code, 'UnsupportedProtocol');
});
