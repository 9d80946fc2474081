// Parameters and the storage quota end to end through the official SDK against `pgcloud serve`.
// PGCLOUD_STORAGE_QUOTA_SCALE makes the 10 GB of the smallest spec a quota of ~86 MB on disk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { postgresClient, errorCode, waitForStatus, login, type PostgresClient } from './support/sdk.ts';

const PASSWORD = 'Pgcloud#2026pw';
const SCALE = 0.008;
let svc: TestService;
let client: PostgresClient;
let id: string;
let inst: any;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '16', PGCLOUD_STORAGE_QUOTA_SCALE: String(SCALE) } });
  client = postgresClient(svc);
  const res = await client.CreateInstances({
    Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, Charset: 'UTF8',
    AdminName: 'dbadmin', AdminPassword: PASSWORD, DBMajorVersion: '16', InstanceChargeType: 'POSTPAID_BY_HOUR',
  });
  id = res.DBInstanceIdSet![0]!;
  inst = await waitForStatus(client, id, 'running');
});
after(async () => {
  await svc?.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sql(text: string): Promise<any[]> {
  const c = await login(inst, 'dbadmin', PASSWORD);
  c.on('error', () => {}); // a session ended when the instance turns read-only
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

test('parameters: described from the catalogue, changed by reload or restart, visible in SHOW, with events and a task', async () => {
  const all = await client.DescribeDBInstanceParameters({ DBInstanceId: id });
  assert.ok(all.TotalCount! >= 10);
  const st = (await client.DescribeDBInstanceParameters({ DBInstanceId: id, ParamName: 'statement_timeout' })).Detail![0]!;
  assert.equal(st.Name, 'statement_timeout');
  assert.equal(st.ParamValueType, 'integer');
  assert.equal(st.Unit, 'ms');
  assert.equal(st.DefaultValue, '0');
  assert.equal(st.CurrentValue, '0');
  assert.equal(st.NeedReboot, false);
  const mpt = all.Detail!.find((p) => p.Name === 'max_prepared_transactions')!;
  assert.equal(mpt.NeedReboot, true);

  assert.equal(await errorCode(client.ModifyDBInstanceParameters({ DBInstanceId: id, ParamList: [{ Name: 'statement_timeout', ExpectedValue: 'soon' }] })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.ModifyDBInstanceParameters({ DBInstanceId: id, ParamList: [{ Name: 'shared_preload_libraries', ExpectedValue: 'x' }] })), 'InvalidParameterValue.InvalidParameterValueError');

  const started = (await sql('SELECT pg_postmaster_start_time()::text AS t'))[0].t;
  const { TaskId } = await client.ModifyDBInstanceParameters({
    DBInstanceId: id,
    ParamList: [{ Name: 'statement_timeout', ExpectedValue: '12345' }, { Name: 'max_prepared_transactions', ExpectedValue: '7' }],
  });
  assert.ok(TaskId! > 0);
  // Terraform: wait, then every EventDetail of DescribeParamsEvent is "success".
  for (let i = 0; ; i++) {
    const ev = await client.DescribeParamsEvent({ DBInstanceId: id });
    if (ev.EventItems!.length === 2 && ev.EventItems!.every((e) => e.EventDetail!.every((d) => d.State === 'success'))) break;
    assert.ok(i < 600, 'parameter events not applied');
    await sleep(120);
  }
  inst = await waitForStatus(client, id, 'running');
  const ev = await client.DescribeParamsEvent({ DBInstanceId: id });
  const detail = ev.EventItems!.find((e) => e.ParamName === 'statement_timeout')!.EventDetail![0]!;
  assert.equal(detail.OldValue, '0');
  assert.equal(detail.NewValue, '12345');
  assert.equal((await sql('SHOW statement_timeout'))[0].statement_timeout, '12345ms');
  assert.equal((await sql('SHOW max_prepared_transactions'))[0].max_prepared_transactions, '7');
  assert.notEqual((await sql('SELECT pg_postmaster_start_time()::text AS t'))[0].t, started, 'a restart-only parameter restarts the server');
  assert.equal((await client.DescribeDBInstanceParameters({ DBInstanceId: id, ParamName: 'statement_timeout' })).Detail![0]!.CurrentValue, '12345');
  const task = await client.DescribeTasks({ TaskId });
  assert.equal(task.TaskSet![0]!.Status, 'Success');

  // Back to the default by reload only.
  await client.ModifyDBInstanceParameters({ DBInstanceId: id, ParamList: [{ Name: 'statement_timeout', ExpectedValue: '0' }] });
  await waitForStatus(client, id, 'running');
  assert.equal((await sql('SHOW statement_timeout'))[0].statement_timeout, '0');
});

test('storage: at the quota the instance is readonly (writes refused, reads work); more Storage makes it writable', async () => {
  await sql('CREATE TABLE filler (id serial, pad text)');
  // Fill in batches from new sessions until the watcher makes the instance read-only.
  let status = 'running';
  for (let i = 0; status !== 'readonly'; i++) {
    assert.ok(i < 200, 'the instance never reached its storage quota');
    await sql("INSERT INTO filler (pad) SELECT repeat(md5(g::text), 64) FROM generate_series(1, 4000) g").catch(() => {});
    status = (await client.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!.DBInstanceStatus!;
  }
  await assert.rejects(sql("INSERT INTO filler (pad) VALUES ('more')"), /read-only transaction/);
  const [{ n }] = await sql('SELECT count(*)::int AS n FROM filler');
  assert.ok(n > 0);
  // Changes that need room are refused while read-only; shrinking storage is impossible anyway below 10.
  assert.equal(await errorCode(client.CreateDatabase({ DBInstanceId: id, DatabaseName: 'more', DatabaseOwner: 'dbadmin' })), 'OperationDenied.InstanceStatusLimitOpError');

  const res = await client.ModifyDBInstanceSpec({ DBInstanceId: id, Memory: 2, Storage: 20 });
  assert.match(res.DealName!, /^\d+$/);
  inst = await waitForStatus(client, id, 'running');
  assert.equal(inst.DBInstanceStorage, 20);
  await sql("INSERT INTO filler (pad) VALUES ('more')");
  // Back to 10 GB would put it over its quota again.
  assert.equal(await errorCode(client.ModifyDBInstanceSpec({ DBInstanceId: id, Memory: 2, Storage: 10 })), 'FailedOperation.StorageMemoryCheckError');
  // A bigger spec: more memory, a restart with new memory settings.
  const before = (await sql('SHOW max_connections'))[0].max_connections;
  await client.ModifyDBInstanceSpec({ DBInstanceId: id, Memory: 8, Storage: 20 });
  inst = await waitForStatus(client, id, 'running');
  assert.equal(inst.DBInstanceMemory, 8);
  assert.equal(inst.DBInstanceClass, 'cdb.pg.z1.8g');
  assert.notEqual((await sql('SHOW max_connections'))[0].max_connections, before);
  assert.equal(await errorCode(client.ModifyDBInstanceSpec({ DBInstanceId: id, Memory: 3, Storage: 20 })), 'InvalidParameterValue.SpecNotRecognizedError');
  // The current Cpu (4) with a memory no 4-core spec has is the spec of that memory (as Terraform sends
  // it); another Cpu no spec of that memory has is refused.
  assert.equal(inst.DBInstanceCpu, 4);
  assert.equal(await errorCode(client.ModifyDBInstanceSpec({ DBInstanceId: id, Memory: 4, Storage: 20, Cpu: 8 })), 'InvalidParameterValue.SpecNotRecognizedError');
  await client.ModifyDBInstanceSpec({ DBInstanceId: id, Memory: 4, Storage: 20, Cpu: 4 });
  inst = await waitForStatus(client, id, 'running');
  assert.deepEqual([inst.DBInstanceClass, inst.DBInstanceCpu, inst.DBInstanceMemory], ['cdb.pg.z1.4g', 2, 4]);
});
