// CreateInstances end to end: through the official SDK, real PostgreSQL servers, real logins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { postgresClient, errorCode, errorOf, waitForStatus, login, type PostgresClient } from './support/sdk.ts';

const PASSWORD = 'Pgcloud#2026pw';
let svc: TestService;
let client: PostgresClient;

const base = {
  Zone: 'ap-guangzhou-3',
  SpecCode: 'cdb.pg.z1.2g',
  Storage: 10,
  InstanceCount: 1,
  Period: 1,
  Charset: 'UTF8',
  AdminName: 'dbadmin',
  AdminPassword: PASSWORD,
  DBMajorVersion: '15',
  InstanceChargeType: 'POSTPAID_BY_HOUR',
};

before(async () => {
  svc = await startService();
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

test('every installed major is created, runs, and accepts a login with the admin account', async () => {
  const { VersionSet } = await client.DescribeDBVersions({});
  const majors = VersionSet!.map((v) => v.DBMajorVersion!);
  assert.deepEqual(majors, ['10', '11', '12', '13', '14', '15', '16', '17', '18']);
  const created = await Promise.all(
    VersionSet!.map(async (v) => {
      const res = await client.CreateInstances({ ...base, DBMajorVersion: v.DBMajorVersion, Name: `major-${v.DBMajorVersion}` });
      assert.equal(res.DBInstanceIdSet!.length, 1);
      assert.match(res.DBInstanceIdSet![0]!, /^postgres-[a-z0-9]{8}$/);
      assert.equal(res.DealNames!.length, 1);
      assert.match(res.DealNames![0]!, /^\d{14}$/);
      assert.match(res.BillId!, /^\d+$/);
      return { id: res.DBInstanceIdSet![0]!, version: v };
    }),
  );
  const firstSeen = new Map<string, { address: string; startedAt: string }>();
  for (const { id, version } of created) {
    const inst = await waitForStatus(client, id, 'running');
    assert.equal(inst.DBVersion, version.DBVersion);
    assert.equal(inst.DBKernelVersion, version.DBKernelVersion);
    assert.equal(inst.DBMajorVersion, version.DBMajorVersion);
    const db = await login(inst, 'dbadmin', PASSWORD);
    try {
      const { rows } = await db.query('SELECT version() AS v, current_setting($1) AS enc, pg_postmaster_start_time()::text AS started', ['server_encoding']);
      assert.ok(rows[0].v.startsWith(`PostgreSQL ${version.DBVersion} `), rows[0].v);
      assert.equal(rows[0].enc, 'UTF8');
      firstSeen.set(id, { address: `${inst.DBInstanceNetInfo[0].Ip}:${inst.DBInstanceNetInfo[0].Port}`, startedAt: rows[0].started });
    } finally {
      await db.end();
    }
  }
  // Two more beside nine running ones (the reconciler's passes are longer, so a pass may still hold a
  // copy of a new instance's row from before it was given its address).
  for (const major of ['15', '16']) {
    const res = await client.CreateInstances({ ...base, DBMajorVersion: major });
    const id = res.DBInstanceIdSet![0]!;
    const inst = await waitForStatus(client, id, 'running');
    const db = await login(inst, 'dbadmin', PASSWORD);
    const { rows } = await db.query('SELECT pg_postmaster_start_time()::text AS started');
    await db.end();
    firstSeen.set(id, { address: `${inst.DBInstanceNetInfo[0].Ip}:${inst.DBInstanceNetInfo[0].Port}`, startedAt: rows[0].started });
    created.push({ id, version: VersionSet!.find((v) => v.DBMajorVersion === major)! });
  }
  // Each made in one go: once reported running, an instance keeps its address and its server (no
  // second reconcile moves or restarts it), and no attempt failed and was retried.
  await new Promise((r) => setTimeout(r, 2000));
  for (const { id } of created) {
    const inst = (await client.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!;
    const db = await login(inst, 'dbadmin', PASSWORD);
    try {
      const { rows } = await db.query('SELECT pg_postmaster_start_time()::text AS started');
      assert.deepEqual({ address: `${inst.DBInstanceNetInfo![0]!.Ip}:${inst.DBInstanceNetInfo![0]!.Port}`, startedAt: rows[0].started }, firstSeen.get(id));
    } finally {
      await db.end();
    }
  }
  const metrics = await (await fetch(`${svc.url}/metrics`)).text();
  assert.match(metrics, /^pgcloud_reconcile_failures_total 0$/m);
});

test('LATIN1 instances have a LATIN1 server encoding', async () => {
  const res = await client.CreateInstances({ ...base, Charset: 'LATIN1', DBMajorVersion: '16' });
  const inst = await waitForStatus(client, res.DBInstanceIdSet![0]!, 'running');
  assert.equal(inst.DBCharset, 'LATIN1');
  const db = await login(inst, 'dbadmin', PASSWORD);
  try {
    const { rows } = await db.query('SHOW server_encoding');
    assert.equal(rows[0].server_encoding, 'LATIN1');
  } finally {
    await db.end();
  }
});

test('the admin account can create databases and roles and is not a superuser; wrong passwords fail', async () => {
  const res = await client.CreateInstances({ ...base, AdminName: 'Owner_1', DBMajorVersion: '17' });
  const inst = await waitForStatus(client, res.DBInstanceIdSet![0]!, 'running');
  const db = await login(inst, 'Owner_1', PASSWORD);
  try {
    await db.query('CREATE DATABASE appdb');
    await db.query("CREATE ROLE app_reader LOGIN PASSWORD 'Another#Pass1'");
    const { rows } = await db.query('SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user');
    assert.deepEqual(rows[0], { rolsuper: false, rolcreatedb: true, rolcreaterole: true });
    const dbs = await db.query("SELECT 1 FROM pg_database WHERE datname = 'appdb'");
    assert.equal(dbs.rowCount, 1);
  } finally {
    await db.end();
  }
  await assert.rejects(login(inst, 'Owner_1', 'Wrong#Password1'), /password authentication failed/);
  await assert.rejects(login(inst, 'tencentdb_pgcloud', PASSWORD), /pg_hba\.conf rejects connection for host "127\.\d+\.\d+\.\d+", user "tencentdb_pgcloud"/);
});

test('the instance model is complete and DBInstanceNetInfo has the two entries Terraform expects', async () => {
  const res = await client.CreateInstances({
    ...base,
    Name: '测试-instance_1',
    TagList: [{ TagKey: 'env', TagValue: 'test' }],
    DeletionProtection: true,
    InstanceChargeType: 'prepaid',
    Period: 3,
    AutoRenewFlag: 1,
  });
  const id = res.DBInstanceIdSet![0]!;
  const early = (await client.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!;
  assert.ok(['applying', 'initing', 'running'].includes(early.DBInstanceStatus!), early.DBInstanceStatus);
  const inst = await waitForStatus(client, id, 'running');
  assert.equal(inst.DBInstanceName, '测试-instance_1');
  assert.equal(inst.Region, 'ap-guangzhou');
  assert.equal(inst.Zone, 'ap-guangzhou-3');
  assert.equal(inst.PayType, 'prepaid');
  assert.equal(inst.AutoRenew, 1);
  assert.equal(inst.DeletionProtection, true);
  assert.deepEqual(inst.TagList, [{ TagKey: 'env', TagValue: 'test' }]);
  assert.equal(inst.DBInstanceClass, 'cdb.pg.z1.2g');
  assert.equal(inst.DBInstanceCpu, 1);
  assert.equal(inst.DBInstanceMemory, 2);
  assert.equal(inst.DBInstanceStorage, 10);
  assert.equal(inst.DBInstanceType, 'primary');
  assert.equal(inst.DBInstanceVersion, 'standard');
  assert.equal(inst.DBEngine, 'postgresql');
  assert.equal(inst.DBInstanceStorageType, 'PHYSICAL_LOCAL_SSD');
  assert.match(inst.VpcId, /^vpc-[a-z0-9]{8}$/);
  assert.match(inst.SubnetId, /^subnet-[a-z0-9]{8}$/);
  assert.match(inst.CreateTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.match(inst.ExpireTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.equal(inst.IsolatedTime, '0000-00-00 00:00:00');
  assert.deepEqual(inst.DBNodeSet, [{ Role: 'Primary', Zone: 'ap-guangzhou-3', DedicatedClusterId: '' }]);
  assert.equal(inst.DBInstanceNetInfo.length, 2);
  const [priv, pub] = inst.DBInstanceNetInfo;
  assert.equal(priv.NetType, 'private');
  assert.equal(priv.Status, 'opened');
  assert.match(priv.Ip, /^127\.\d+\.\d+\.\d+$/);
  assert.ok(priv.Port > 0);
  assert.equal(priv.VpcId, inst.VpcId);
  assert.deepEqual(pub, { Address: '', Ip: '', Port: 0, NetType: 'public', ProtocolType: '', Status: 'initing', VpcId: '', SubnetId: '' });

  // The order is findable by its DealName, as Terraform's fallback expects.
  const orders = await client.DescribeOrders({ DealNames: res.DealNames! });
  assert.equal(orders.TotalCount, 1);
  assert.deepEqual(orders.Deals![0]!.DBInstanceIdSet, [id]);
  assert.equal(orders.Deals![0]!.PayMode, 1);
});

test("the seed's first and third examples get the version error, and succeed with an installed version", async () => {
  const first = {
    InstanceCount: 1, AutoRenewFlag: 1, AdminName: 'test2313', Zone: 'ap-guangzhou-2', AdminPassword: PASSWORD,
    DBVersion: '12.4', DBEngine: 'postgresql', Storage: 10, Period: 1, SpecCode: 'cdb.pg.z1.2g', InstanceChargeType: 'prepaid', AutoVoucher: 0, Charset: 'UTF8',
  };
  const third = {
    InstanceCount: 1, AutoRenewFlag: 1, AdminName: 'test2313', Zone: 'ap-guangzhou-2', AdminPassword: PASSWORD, Charset: 'UTF8', Storage: 10, Period: 1,
    SpecCode: 'cdb.pg.z1.2g', DBKernelVersion: 'v12.4_r1.0', DBEngine: 'postgresql', InstanceChargeType: 'prepaid', AutoVoucher: 0,
  };
  for (const example of [first, third]) {
    const err = await errorOf(client.CreateInstances(example));
    assert.equal(err.code, 'InvalidParameterValue');
    assert.match(err.message, /12\.22/);
    assert.match(err.message, /15\.18/);
  }
  const ok1 = await client.CreateInstances({ ...first, DBVersion: '12.22' });
  const ok3 = await client.CreateInstances({ ...third, DBKernelVersion: 'v12.22_r1.0' });
  for (const id of [ok1.DBInstanceIdSet![0]!, ok3.DBInstanceIdSet![0]!]) {
    const inst = await waitForStatus(client, id, 'running');
    assert.equal(inst.DBVersion, '12.22');
    const db = await login(inst, 'test2313', PASSWORD);
    await db.end();
  }
  // The second example (a Standby node in ap-guangzhou-3) is accepted; test/ha.test.ts runs it to the end.
  const second = await client.CreateInstances({ ...first, DBVersion: undefined, DBMajorVersion: '12', DBNodeSet: [{ Role: 'Standby', Zone: 'ap-guangzhou-3' }, { Role: 'Primary', Zone: 'ap-guangzhou-2' }] });
  assert.equal(second.DBInstanceIdSet!.length, 1);
});

test('InstanceCount 3 makes three instances with one order each', async () => {
  const res = await client.CreateInstances({ ...base, InstanceCount: 3 });
  assert.equal(res.DBInstanceIdSet!.length, 3);
  assert.equal(new Set(res.DealNames).size, 3);
  const addresses = new Set<string>();
  for (const id of res.DBInstanceIdSet!) {
    const inst = await waitForStatus(client, id, 'running');
    const priv = inst.DBInstanceNetInfo[0];
    addresses.add(`${priv.Ip}:${priv.Port}`);
    const db = await login(inst, 'dbadmin', PASSWORD);
    await db.end();
  }
  assert.equal(addresses.size, 3);
  // Deal names are the day's (yyyymmdd + 6 digits) and never repeat, whatever the number of orders.
  const day = () => new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const days = [day()];
  const more = await client.CreateInstances({ ...base, InstanceCount: 10 });
  days.push(day()); // a run across midnight (UTC) may see either date
  const names = [...res.DealNames!, ...more.DealNames!];
  for (const n of names) assert.match(n, new RegExp(`^(${days.join('|')})\\d{6}$`));
  assert.equal(new Set(names).size, 13);
  for (const id of more.DBInstanceIdSet!) {
    await waitForStatus(client, id, 'running');
    await client.IsolateDBInstances({ DBInstanceIdSet: [id] }); // one per call, as the real service wants
  }
  for (const id of more.DBInstanceIdSet!) await waitForStatus(client, id, 'isolated');
});

const rules: Array<[string, Record<string, unknown>, string]> = [
  ['unknown zone', { Zone: 'ap-guangzhou-99' }, 'InvalidParameterValue.InvalidZoneIdError'],
  ['zone of another region', { Zone: 'ap-beijing-3' }, 'InvalidParameterValue.IllegalRegion'],
  ['unknown spec', { SpecCode: 'cdb.pg.nope' }, 'InvalidParameterValue.SpecNotRecognizedError'],
  ['storage not a multiple of 10', { Storage: 15 }, 'InvalidParameterValue.ParameterOutRangeError'],
  ['storage below the spec minimum', { Storage: 0 }, 'InvalidParameterValue.ParameterOutRangeError'],
  ['storage above the spec maximum', { Storage: 100000 }, 'InvalidParameterValue.ParameterOutRangeError'],
  ['InstanceCount 0', { InstanceCount: 0 }, 'InvalidParameterValue.InvalidInstanceNum'],
  ['InstanceCount 11', { InstanceCount: 11 }, 'InvalidParameterValue.InvalidInstanceNum'],
  ['prepaid Period 13', { InstanceChargeType: 'PREPAID', Period: 13 }, 'InvalidParameterValue.ParameterOutRangeError'],
  ['postpaid Period 2', { Period: 2 }, 'InvalidParameterValue.ParameterOutRangeError'],
  ['Charset GBK', { Charset: 'GBK' }, 'InvalidParameterValue.InvalidCharset'],
  ['AdminName postgres', { AdminName: 'Postgres' }, 'InvalidParameterValue.InvalidAccountNameError'],
  ['AdminName starting with a digit', { AdminName: '1admin' }, 'InvalidParameterValue.InvalidAccountNameError'],
  ['AdminName starting with pg_', { AdminName: 'PG_admin' }, 'InvalidParameterValue.InvalidAccountNameError'],
  ['AdminName starting with tencentdb_', { AdminName: 'TencentDB_x' }, 'InvalidParameterValue.InvalidAccountNameError'],
  ['AdminName of 17 characters', { AdminName: 'a234567890123456x' }, 'InvalidParameterValue.InvalidAccountNameError'],
  ['AdminName with a hyphen', { AdminName: 'ad-min' }, 'InvalidParameterValue.InvalidAccountNameError'],
  ['AdminPassword of 7 characters', { AdminPassword: 'Ab1#xyz' }, 'InvalidParameterValue.InvalidPasswordLengthError'],
  ['AdminPassword of 33 characters', { AdminPassword: 'Ab1#' + 'x'.repeat(29) }, 'InvalidParameterValue.InvalidPasswordLengthError'],
  ['AdminPassword without a symbol', { AdminPassword: 'Abcdefg123' }, 'InvalidParameterValue.InvalidPasswordValueError'],
  ['AdminPassword without an upper-case letter', { AdminPassword: 'abcdefg12#' }, 'InvalidParameterValue.InvalidPasswordValueError'],
  ['AdminPassword starting with /', { AdminPassword: '/Abcdefg12#' }, 'InvalidParameterValue.InvalidPasswordValueError'],
  ['the seed\'s " xxxxxxx" password', { AdminPassword: ' xxxxxxx' }, 'InvalidParameterValue.InvalidPasswordValueError'],
  ['Name of 60 characters', { Name: 'n'.repeat(60) }, 'InvalidParameterValue.ParameterLengthLimitError'],
  ['Name with a space', { Name: 'my db' }, 'InvalidParameterValue.ParameterCharacterError'],
  ['InstanceChargeType monthly', { InstanceChargeType: 'monthly' }, 'InvalidParameterValue.IllegalInstanceChargeType'],
  ['DBEngine mysql', { DBEngine: 'mysql' }, 'InvalidParameterValue.InvalidParameterValueError'],
  ['DBEngine mssql_compatible', { DBEngine: 'mssql_compatible' }, 'UnsupportedOperation'],
  ['StorageType unknown', { StorageType: 'FLOPPY' }, 'InvalidParameterValue.InvalidParameterValueError'],
  ['ProjectId 42', { ProjectId: 42 }, 'InvalidParameterValue.IllegalProjectId'],
  ['AutoRenewFlag 2', { AutoRenewFlag: 2 }, 'InvalidParameterValue.ParameterOutRangeError'],
  ['AutoVoucher 5', { AutoVoucher: 5 }, 'InvalidParameterValue.ParameterOutRangeError'],
  ['an unknown voucher', { VoucherIds: ['v-12345'] }, 'InvalidParameterValue.InvalidVoucherId'],
  ['two vouchers', { VoucherIds: ['v-1', 'v-2'] }, 'InvalidParameterValue.ParameterOutRangeError'],
  ['an unknown activity', { ActivityId: 7 }, 'InvalidParameterValue.InvalidParameterValueError'],
  ['version not installed', { DBMajorVersion: '9' }, 'InvalidParameterValue'],
  ['no version at all', { DBMajorVersion: undefined }, 'InvalidParameterValue'],
  ['an old minor of an installed major', { DBMajorVersion: undefined, DBVersion: '15.2' }, 'InvalidParameterValue'],
  ['unknown VPC', { VpcId: 'vpc-nothere1', SubnetId: 'subnet-nothere' }, 'InvalidParameter.VpcNotFoundError'],
  ['a Standby node outside the StandbyZoneSet', { DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }, { Role: 'Standby', Zone: 'ap-shanghai-2' }] }, 'InvalidParameterValue.IllegalZone'],
  ['two Standby nodes', { DBNodeSet: [{ Role: 'Standby', Zone: 'ap-guangzhou-3' }, { Role: 'Standby', Zone: 'ap-guangzhou-4' }] }, 'InvalidParameterValue.InvalidParameterValueError'],
  ['SyncMode unknown', { SyncMode: 'Sync' }, 'InvalidParameterValue.InvalidParameterValueError'],
  ['SecurityGroupIds of a group that does not exist', { SecurityGroupIds: ['sg-12345678'] }, 'InvalidParameterValue.InvalidParameterValueError'],
  ['NeedSupportTDE with a Standby node', { NeedSupportTDE: 1, DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }, { Role: 'Standby', Zone: 'ap-guangzhou-3' }] }, 'UnsupportedOperation'],
  ['KMSKeyId without NeedSupportTDE', { KMSKeyId: '00000000-0000-0000-0000-000000000000' }, 'InvalidParameterValue.InvalidParameterValueError'],
  ['NeedSupportIpv6 in a zone without IPv6', { Zone: 'ap-guangzhou-2', NeedSupportIpv6: 1 }, 'InvalidParameterValue.IllegalZone'],
  ['a missing required field', { SpecCode: undefined }, 'MissingParameter'],
  ['a field of the wrong type', { Storage: '10GB' }, 'InvalidParameter'],
  ['a field the action does not define', { Colour: 'blue' }, 'UnknownParameter'],
];

test('every validation rule answers its own code, and nothing is created', async () => {
  const before = (await client.DescribeDBInstances({ Limit: 100 })).TotalCount;
  for (const [what, change, code] of rules) {
    assert.equal(await errorCode(client.CreateInstances({ ...base, ...change } as any)), code, what);
  }
  const afterCount = (await client.DescribeDBInstances({ Limit: 100 })).TotalCount;
  assert.equal(afterCount, before);
});

test('a request in another region is checked against that region', async () => {
  const beijing = postgresClient(svc, 'ap-beijing');
  assert.equal(await errorCode(beijing.CreateInstances({ ...base })), 'InvalidParameterValue.IllegalRegion');
});

test('DescribeDBInstances filters, orders and pages; another account sees nothing', async () => {
  const tagged = await client.CreateInstances({ ...base, Name: 'filter-me', TagList: [{ TagKey: 'team', TagValue: 'blue' }] });
  const id = tagged.DBInstanceIdSet![0]!;
  const byId = await client.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [id] }] });
  assert.equal(byId.TotalCount, 1);
  assert.equal(byId.DBInstanceSet![0]!.DBInstanceId, id);
  const byName = await client.DescribeDBInstances({ Filters: [{ Name: 'db-instance-name', Values: ['filter-m'] }] });
  assert.deepEqual(byName.DBInstanceSet!.map((i) => i.DBInstanceId), [id]);
  const byTag = await client.DescribeDBInstances({ Filters: [{ Name: 'db-tag-key', Values: ['team'] }] });
  assert.deepEqual(byTag.DBInstanceSet!.map((i) => i.DBInstanceId), [id]);
  const none = await client.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [id] }, { Name: 'db-pay-mode', Values: ['prepaid'] }] });
  assert.equal(none.TotalCount, 0);

  const all = await client.DescribeDBInstances({ Limit: 100 });
  assert.ok(all.TotalCount! > 10);
  const page = await client.DescribeDBInstances({});
  assert.equal(page.DBInstanceSet!.length, 10);
  assert.equal(page.TotalCount, all.TotalCount);
  const desc = await client.DescribeDBInstances({ Limit: 100, OrderBy: 'DBInstanceId', OrderByType: 'desc' });
  const ids = desc.DBInstanceSet!.map((i) => i.DBInstanceId!);
  assert.deepEqual(ids, [...ids].sort().reverse());
  const second = await client.DescribeDBInstances({ Limit: 5, Offset: 5, OrderBy: 'DBInstanceId', OrderByType: 'desc' });
  assert.deepEqual(second.DBInstanceSet!.map((i) => i.DBInstanceId), ids.slice(5, 10));
  assert.equal(await errorCode(client.DescribeDBInstances({ Limit: 101 })), 'InvalidParameterValue.ParameterOutRangeError');
  assert.equal(await errorCode(client.DescribeDBInstances({ OrderBy: 'Colour' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.DescribeDBInstances({ Filters: [{ Name: 'colour', Values: ['x'] }] })), 'InvalidParameterValue.InvalidParameterValueError');

  const { execFileSync } = await import('node:child_process');
  const other = JSON.parse(execFileSync(process.execPath, ['bin/pgcloud.js', 'accounts', 'create', 'other', '--output', 'json', '--data-dir', svc.dataDir], { encoding: 'utf8' }));
  const otherClient = postgresClient({ endpoint: svc.endpoint, secretId: other.secretId, secretKey: other.secretKey });
  assert.equal((await otherClient.DescribeDBInstances({})).TotalCount, 0);
  assert.equal(await errorCode(otherClient.DescribeDBInstanceAttribute({ DBInstanceId: id })), 'ResourceNotFound.InstanceNotFoundError');
  assert.equal(await errorCode(client.DescribeDBInstanceAttribute({ DBInstanceId: 'postgres-00000000' })), 'ResourceNotFound.InstanceNotFoundError');
  const orders = await otherClient.DescribeOrders({ DealNames: tagged.DealNames! });
  assert.equal(orders.TotalCount, 0);
});
