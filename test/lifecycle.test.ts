// Living with an instance, end to end through the official SDK against `pgcloud serve`: deletion
// protection, restart, rename, isolate / dis-isolate / destroy (Terraform's delete flow), tasks, and the
// status-limit and not-found codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startService, postmastersUnder, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, waitForStatus, login, type PostgresClient } from './support/sdk.ts';

const PASSWORD = 'Pgcloud#2026pw';
let svc: TestService;
let client: PostgresClient;

const base = createRequest({ DBMajorVersion: '16' });

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '16' } });
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

async function startTime(inst: any): Promise<string> {
  const db = await login(inst, 'dbadmin', PASSWORD);
  try {
    const { rows } = await db.query('SELECT pg_postmaster_start_time()::text AS t');
    return rows[0].t;
  } finally {
    await db.end();
  }
}

test('an instance lives: protection, restart, rename, isolate, dis-isolate, and Terraform delete flow', async () => {
  const { DBInstanceIdSet } = await client.CreateInstances({ ...base, DeletionProtection: true });
  const id = DBInstanceIdSet![0]!;
  let inst = await waitForStatus(client, id, 'running');
  const dataDir = path.join(svc.dataDir, 'engine', 'instances', id, 'data');
  assert.ok(fs.existsSync(dataDir));

  // Deletion protection blocks isolate and destroy.
  assert.equal(await errorCode(client.IsolateDBInstances({ DBInstanceIdSet: [id] })), 'OperationDenied.DeletionProtectionError');
  assert.equal(await errorCode(client.DestroyDBInstance({ DBInstanceId: id })), 'OperationDenied.DeletionProtectionError');
  await client.ModifyDBInstanceDeletionProtection({ DBInstanceId: id, DeletionProtection: false });
  inst = await waitForStatus(client, id, 'running');
  assert.equal(inst.DeletionProtection, false);

  // Destroy needs isolation first; isolate takes exactly one ID.
  assert.equal(await errorCode(client.DestroyDBInstance({ DBInstanceId: id })), 'OperationDenied.InstanceStatusLimitOpError');
  assert.equal(await errorCode(client.IsolateDBInstances({ DBInstanceIdSet: [id, id] })), 'InvalidParameterValue.ParameterOutRangeError');
  assert.equal(await errorCode(client.DisIsolateDBInstances({ DBInstanceIdSet: [id] })), 'OperationDenied.InstanceStatusLimitOpError');

  // Some data.
  let db = await login(inst, 'dbadmin', PASSWORD);
  await db.query('CREATE TABLE kept (v text); INSERT INTO kept VALUES ($1)', ['still here']).catch(async () => {
    await db.query('CREATE TABLE kept (v text)');
    await db.query("INSERT INTO kept VALUES ('still here')");
  });
  await db.end();

  // A real restart: a new postmaster, a task that ends in Success.
  const before = await startTime(inst);
  const pidsBefore = postmastersUnder(path.dirname(dataDir));
  const restart = await client.RestartDBInstance({ DBInstanceId: id });
  assert.ok(restart.TaskId! > 0);
  assert.equal(restart.FlowId, restart.TaskId);
  assert.equal(await errorCode(client.RestartDBInstance({ DBInstanceId: id })), 'OperationDenied.InstanceStatusLimitOpError');
  inst = await waitForStatus(client, id, 'running');
  assert.notEqual(await startTime(inst), before);
  assert.notDeepEqual(postmastersUnder(path.dirname(dataDir)), pidsBefore);
  const tasks = await client.DescribeTasks({ TaskId: restart.TaskId });
  assert.equal(tasks.TotalCount, 1);
  assert.equal(tasks.TaskSet![0]!.Status, 'Success');
  assert.equal(tasks.TaskSet![0]!.Progress, 100);
  assert.equal(tasks.TaskSet![0]!.DBInstanceId, id);

  await client.ModifyDBInstanceName({ DBInstanceId: id, InstanceName: 'renamed-1' });
  assert.equal((await client.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!.DBInstanceName, 'renamed-1');

  // Isolate: servers stopped, data kept, IsolatedTime set; logins fail.
  await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
  const isolated = await waitForStatus(client, id, 'isolated');
  assert.match(isolated.IsolatedTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.notEqual(isolated.IsolatedTime, '0000-00-00 00:00:00');
  assert.deepEqual(postmastersUnder(path.dirname(dataDir)), []);
  assert.ok(fs.existsSync(dataDir));
  await assert.rejects(login(inst, 'dbadmin', PASSWORD));
  assert.equal(await errorCode(client.RestartDBInstance({ DBInstanceId: id })), 'OperationDenied.InstanceStatusLimitOpError');
  assert.equal(await errorCode(client.IsolateDBInstances({ DBInstanceIdSet: [id] })), 'OperationDenied.InstanceStatusLimitOpError');

  // Dis-isolate: running again with the data.
  await client.DisIsolateDBInstances({ DBInstanceIdSet: [id], Period: 1, AutoVoucher: false });
  inst = await waitForStatus(client, id, 'running');
  assert.equal(inst.IsolatedTime, '0000-00-00 00:00:00');
  db = await login(inst, 'dbadmin', PASSWORD);
  assert.deepEqual((await db.query('SELECT v FROM kept')).rows, [{ v: 'still here' }]);
  await db.end();

  // Terraform's delete flow: IsolateDBInstances([id]) → poll DescribeDBInstanceAttribute for isolated → DestroyDBInstance.
  await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
  for (let i = 0; ; i++) {
    const res = await client.DescribeDBInstanceAttribute({ DBInstanceId: id });
    if (res.DBInstance!.DBInstanceStatus === 'isolated') break;
    assert.ok(i < 600, 'not isolated in time');
    await new Promise((r) => setTimeout(r, 100));
  }
  await client.DestroyDBInstance({ DBInstanceId: id });
  assert.equal(await errorCode(client.DescribeDBInstanceAttribute({ DBInstanceId: id })), 'ResourceNotFound.InstanceNotFoundError');
  const list = await client.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [id] }] });
  assert.equal(list.TotalCount, 0);
  for (let i = 0; fs.existsSync(path.dirname(dataDir)); i++) {
    assert.ok(i < 300, 'data directory not removed');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(postmastersUnder(path.dirname(dataDir)), []);
  assert.equal(await errorCode(client.DestroyDBInstance({ DBInstanceId: id })), 'ResourceNotFound.InstanceNotFoundError');
});

test('unknown instances and other regions answer ResourceNotFound.InstanceNotFoundError', async () => {
  const missing = 'postgres-zzzzzzzz';
  const calls: Array<Promise<unknown>> = [
    client.IsolateDBInstances({ DBInstanceIdSet: [missing] }),
    client.DisIsolateDBInstances({ DBInstanceIdSet: [missing] }),
    client.DestroyDBInstance({ DBInstanceId: missing }),
    client.RestartDBInstance({ DBInstanceId: missing }),
    client.ModifyDBInstanceName({ DBInstanceId: missing, InstanceName: 'x' }),
    client.ModifyDBInstanceDeletionProtection({ DBInstanceId: missing, DeletionProtection: true }),
    client.ModifyDBInstanceSpec({ DBInstanceId: missing, Memory: 4, Storage: 20 }),
  ];
  for (const call of calls) assert.equal(await errorCode(call), 'ResourceNotFound.InstanceNotFoundError');
  // Another account's instance looks the same as a missing one: a different key pair is another account only
  // if the service knows it; the region check stands for it here.
  const other = postgresClient(svc, 'ap-beijing');
  const { DBInstanceIdSet } = await client.CreateInstances({ ...base });
  const id = DBInstanceIdSet![0]!;
  assert.equal(await errorCode(other.RestartDBInstance({ DBInstanceId: id })), 'ResourceNotFound.InstanceNotFoundError');
  // While it is still being created, changes are refused by status.
  const early = (await client.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!.DBInstanceStatus;
  if (early !== 'running') assert.equal(await errorCode(client.IsolateDBInstances({ DBInstanceIdSet: [id] })), 'OperationDenied.InstanceStatusLimitOpError');
  await waitForStatus(client, id, 'running');
});
