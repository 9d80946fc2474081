// The catalogue actions end to end: the official v4 SDK against a real `pgcloud serve`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { postgresClient, errorOf, type PostgresClient } from './support/sdk.ts';

let svc: TestService;
let client: PostgresClient;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: 'none' } });
  client = postgresClient(svc);
});

after(async () => {
  await svc?.cleanup();
});

test('DescribeZones lists the zones of the client region', async () => {
  const res = await client.DescribeZones({});
  assert.equal(res.TotalCount, res.ZoneSet!.length);
  const gz3 = res.ZoneSet!.find((z) => z.Zone === 'ap-guangzhou-3');
  assert.deepEqual(
    { ...gz3, StandbyZoneSet: undefined },
    { Zone: 'ap-guangzhou-3', ZoneName: '广州三区', ZoneId: 100003, ZoneState: 'AVAILABLE', ZoneSupportIpv6: 1, StandbyZoneSet: undefined },
  );
  assert.ok(gz3!.StandbyZoneSet!.includes('ap-guangzhou-2'));
  const tokyo = await postgresClient(svc, 'ap-tokyo').DescribeZones({ StorageType: 'CLOUD_SSD' });
  assert.deepEqual(tokyo.ZoneSet!.map((z) => z.Zone), ['ap-tokyo-1', 'ap-tokyo-2']);
});

test('DescribeDBVersions lists the installed versions', async () => {
  const res = await client.DescribeDBVersions({});
  assert.ok(res.VersionSet!.length >= 1);
  for (const v of res.VersionSet!) {
    assert.equal(v.DBEngine, 'postgresql');
    assert.equal(v.DBKernelVersion, `v${v.DBVersion}_r1.0`);
    assert.ok(v.DBVersion!.startsWith(`${v.DBMajorVersion}.`));
    assert.equal(v.Status, 'AVAILABLE');
  }
});

test('DescribeClasses and DescribeProductConfig agree on the specs on sale', async () => {
  const { VersionSet } = await client.DescribeDBVersions({});
  const major = VersionSet!.at(-1)!.DBMajorVersion!;
  const classes = await client.DescribeClasses({ Zone: 'ap-guangzhou-3', DBEngine: 'postgresql', DBMajorVersion: major });
  assert.deepEqual(classes.ClassInfoSet!.find((c) => c.SpecCode === 'cdb.pg.z1.2g'), {
    SpecCode: 'cdb.pg.z1.2g', CPU: 1, Memory: 2048, MaxStorage: 1000, MinStorage: 10, QPS: 2100,
  });
  const config = await client.DescribeProductConfig({ Zone: 'ap-guangzhou-3' });
  assert.equal(config.SpecInfoList!.length, 1);
  const items = config.SpecInfoList![0]!.SpecItemInfoList!.filter((i) => i.MajorVersion === major);
  assert.deepEqual(new Set(items.map((i) => i.SpecCode)), new Set(classes.ClassInfoSet!.map((c) => c.SpecCode)));
  // Terraform's pick for 1 core / 2 GB.
  const small = items.find((i) => i.Cpu === 1 && i.Memory! / 1024 === 2);
  assert.ok(small);
  assert.equal(small.VersionName, `PostgreSQL ${small.Version}`);
});

test('errors reach the SDK with their codes', async () => {
  const ok = { Zone: 'ap-guangzhou-3', DBEngine: 'postgresql', DBMajorVersion: '16' };
  assert.equal((await errorOf(client.DescribeClasses({ ...ok, Zone: 'ap-shanghai-2' }))).code, 'InvalidParameterValue.IllegalZone');
  assert.equal((await errorOf(client.DescribeClasses({ ...ok, DBEngine: 'mssql_compatible' }))).code, 'UnsupportedOperation');
  const major = await errorOf(client.DescribeClasses({ ...ok, DBMajorVersion: '9' }));
  assert.equal(major.code, 'InvalidParameterValue');
  assert.match(major.message, /DBMajorVersion 9 is not available/);
  assert.equal((await errorOf(client.DescribeZones({ StorageType: 'TAPE' }))).code, 'InvalidParameterValue');
  assert.equal((await errorOf(client.DescribeProductConfig({ Zone: 'ap-guangzhou-1' }))).code, 'InvalidParameterValue.IllegalZone');
  assert.equal((await errorOf(postgresClient(svc, 'ap-mars').DescribeZones({}))).code, 'UnsupportedRegion');
});
