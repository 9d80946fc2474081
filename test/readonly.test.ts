// Read-only instances end to end, through the official SDK against a real `pgcloud serve`: a
// read-only instance of an HA primary is an instance of its own (ID, order, address), a streaming
// replica that returns the primary's rows and refuses writes (SQLSTATE 25006), follows the master
// through a switchover and through a restart of pgcloud, and is isolated and destroyed with its master.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import pg from 'pg';
import { startService, postmastersUnder, type TestService } from './support/service.ts';
import { createRequest, postgresClient, waitForStatus, login, errorOf, type PostgresClient } from './support/sdk.ts';
import { waitFor } from './support/processes.ts';
import { Layout } from '../src/engine/local/layout.ts';

const PASSWORD = 'Pgcloud#2026pw';

let svc: TestService;
let client: PostgresClient;
before(async () => {
  svc = await startService({ env: { PGCLOUD_DEFAULT_STANDBY: '1', PGCLOUD_PREWARM: '16' } });
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

/** Connects, retrying while the server moves or restarts. */
const connect = (inst: any): Promise<pg.Client> => waitFor('a connection', async () => login(inst, 'dbadmin', PASSWORD).catch(() => undefined), 60_000);

/** Waits until the read-only instance has the row with this id (a fresh session each time: it may restart). */
async function waitForRow(ro: any, id: number): Promise<void> {
  await waitFor(`row ${id} on the read-only instance`, async () => {
    const db = await login(ro, 'dbadmin', PASSWORD).catch(() => undefined);
    if (!db) return undefined;
    try {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM t WHERE id = $1', [id]).catch(() => ({ rows: [{ n: 0 }] }));
      return rows[0].n === 1 ? true : undefined;
    } finally {
      await db.end().catch(() => {});
    }
  }, 60_000);
}

async function insertOnMaster(master: any, id: number): Promise<void> {
  await waitFor(`insert ${id} on the master`, async () => {
    const db = await login(master, 'dbadmin', PASSWORD).catch(() => undefined);
    if (!db) return undefined;
    try {
      await db.query('INSERT INTO t (id) VALUES ($1) ON CONFLICT DO NOTHING', [id]);
      return true;
    } catch {
      return undefined;
    } finally {
      await db.end().catch(() => {});
    }
  }, 60_000);
}

test('a read-only instance of an HA primary: its own instance, streaming, read-only, following failover and restart', async () => {
  const created = await client.CreateInstances(createRequest({ DBMajorVersion: '16' }));
  const masterId = created.DBInstanceIdSet![0]!;
  let master = await waitForStatus(client, masterId, 'running', 120_000);
  assert.equal(master.DBNodeSet.length, 2);
  const setup = await login(master, 'dbadmin', PASSWORD);
  await setup.query('CREATE TABLE t (id int PRIMARY KEY)');
  await setup.query('INSERT INTO t SELECT generate_series(1, 1000)');
  await setup.end();

  // Refusals first: a pay-as-you-go master's read-only instances are pay-as-you-go too; at most 6.
  const roRequest = { MasterDBInstanceId: masterId, Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, InstanceChargeType: 'POSTPAID_BY_HOUR', Name: 'reader' };
  assert.equal((await errorOf(client.CreateReadOnlyDBInstance({ ...roRequest, InstanceChargeType: 'PREPAID' }))).code, 'InvalidParameterValue.IllegalInstanceChargeType');
  assert.equal((await errorOf(client.CreateReadOnlyDBInstance({ ...roRequest, InstanceCount: 7 }))).code, 'InvalidParameterValue.InvalidInstanceNum');
  assert.equal((await errorOf(client.CreateReadOnlyDBInstance({ ...roRequest, MasterDBInstanceId: 'postgres-nonexist' }))).code, 'ResourceNotFound.InstanceNotFoundError');

  const res = await client.CreateReadOnlyDBInstance(roRequest);
  assert.equal(res.DBInstanceIdSet!.length, 1);
  assert.equal(res.DealNames!.length, 1);
  assert.match(res.BillId!, /^\d{23}$/);
  const roId = res.DBInstanceIdSet![0]!;
  assert.match(roId, /^pgro-[a-z0-9]{8}$/);
  const orders = await client.DescribeOrders({ DealNames: res.DealNames! });
  assert.deepEqual(orders.Deals![0]!.DBInstanceIdSet, [roId]);
  let ro = await waitForStatus(client, roId, 'running', 120_000);
  assert.equal(ro.DBInstanceType, 'readonly');
  assert.equal(ro.MasterDBInstanceId, masterId);
  assert.equal(ro.ReadOnlyInstanceNum, 0);
  assert.equal(ro.StatusInReadonlyGroup, '');
  assert.equal(ro.DBInstanceName, 'reader');
  assert.equal(ro.DBVersion, master.DBVersion);
  assert.notEqual(`${ro.DBInstanceNetInfo[0].Ip}:${ro.DBInstanceNetInfo[0].Port}`, `${master.DBInstanceNetInfo[0].Ip}:${master.DBInstanceNetInfo[0].Port}`);
  master = (await client.DescribeDBInstanceAttribute({ DBInstanceId: masterId })).DBInstance;
  assert.equal(master.DBInstanceType, 'primary');
  assert.equal(master.ReadOnlyInstanceNum, 1);
  const listed = await client.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [masterId, roId] }] });
  assert.deepEqual(listed.DBInstanceSet!.map((i) => [i.DBInstanceId, i.DBInstanceType, i.MasterDBInstanceId, i.ReadOnlyInstanceNum]).sort(), [
    [masterId, 'primary', '', 1],
    [roId, 'readonly', masterId, 0],
  ].sort());

  // The master's rows, the master's roles (the admin logs in with its password), and no writes.
  const db = await login(ro, 'dbadmin', PASSWORD);
  assert.equal((await db.query('SELECT pg_is_in_recovery() AS r')).rows[0].r, true);
  assert.equal((await db.query('SELECT count(*)::int AS n, sum(id)::int AS s FROM t')).rows[0].n, 1000);
  const refused = await db.query('INSERT INTO t VALUES (100000)').then(() => undefined, (e) => e);
  assert.equal(refused?.code, '25006');
  const ddl = await db.query('CREATE TABLE u (x int)').then(() => undefined, (e) => e);
  assert.equal(ddl?.code, '25006');
  await db.end();
  // Accounts are the master's: listed under the read-only instance, made only on the master.
  const accounts = await client.DescribeAccounts({ DBInstanceId: roId });
  assert.deepEqual(accounts.Details!.map((a) => [a.DBInstanceId, a.UserName]), [[roId, 'dbadmin']]);
  assert.equal((await errorOf(client.CreateAccount({ DBInstanceId: roId, UserName: 'reader', Password: PASSWORD, Type: 'normal' }))).code, 'InvalidParameterValue.InvalidParameterValueError');
  await insertOnMaster(master, 1001);
  await waitForRow(ro, 1001);

  // A switchover: the read-only instance streams from the new primary (its WAL receiver's sender is
  // the socket directory of the master's node it streams from: node 0 before, node 1 after).
  const senderOf = async (): Promise<string> => {
    const c = await connect(ro);
    try {
      return (await c.query("SELECT status || ' ' || sender_host AS s FROM pg_stat_wal_receiver")).rows[0]?.s ?? '';
    } finally {
      await c.end().catch(() => {});
    }
  };
  const layout = new Layout(`${svc.dataDir}/engine`);
  assert.equal(await senderOf(), `streaming ${layout.instance(masterId).sock}`);
  await client.SwitchDBInstancePrimary({ DBInstanceId: masterId });
  await waitForStatus(client, masterId, 'running', 120_000);
  await insertOnMaster(master, 1002);
  await waitForRow(ro, 1002);
  const node1 = `streaming ${layout.instance(`${masterId}.1`).sock}`;
  await waitFor('the read-only instance streaming from node 1', async () => ((await senderOf()) === node1 ? true : undefined), 60_000);

  // A restart of pgcloud: the read-only instance comes back running and streaming.
  await svc.stop();
  await svc.restart();
  master = await waitForStatus(client, masterId, 'running', 120_000);
  ro = await waitForStatus(client, roId, 'running', 120_000);
  await insertOnMaster(master, 1003);
  await waitForRow(ro, 1003);
  const counted = await connect(ro);
  assert.deepEqual((await counted.query('SELECT count(*)::int AS n FROM t')).rows[0], { n: 1003 });
  await counted.end();

  // Isolating the master isolates its read-only instances; destroying it destroys them.
  await client.IsolateDBInstances({ DBInstanceIdSet: [masterId] });
  await waitForStatus(client, masterId, 'isolated', 60_000);
  await waitForStatus(client, roId, 'isolated', 60_000);
  await client.DestroyDBInstance({ DBInstanceId: masterId });
  const gone = await client.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [masterId, roId] }] });
  assert.equal(gone.TotalCount, 0);
  await waitFor('no server left', async () => (postmastersUnder(svc.dataDir).length === 0 ? true : undefined), 60_000);
});

test('a read-only instance follows its master through a failover (SIGKILL of the primary)', async () => {
  const created = await client.CreateInstances(createRequest({ DBMajorVersion: '16' }));
  const masterId = created.DBInstanceIdSet![0]!;
  const master = await waitForStatus(client, masterId, 'running', 120_000);
  const setup = await login(master, 'dbadmin', PASSWORD);
  await setup.query('CREATE TABLE t (id int PRIMARY KEY)');
  await setup.query('INSERT INTO t SELECT generate_series(1, 100)');
  await setup.end();
  const roId = (await client.CreateReadOnlyDBInstance({ MasterDBInstanceId: masterId, Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, InstanceChargeType: 'POSTPAID_BY_HOUR' })).DBInstanceIdSet![0]!;
  const ro = await waitForStatus(client, roId, 'running', 120_000);
  await waitForRow(ro, 100);

  // The primary (node 0) dies outright; the standby (node 1) takes over at the same address.
  const primary = postmastersUnder(svc.dataDir).find((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`/${masterId}/`));
  assert.ok(primary, 'the primary postmaster');
  process.kill(primary!, 'SIGKILL');
  // Written once the promoted node serves at the instance's address (insertOnMaster retries until then).
  await insertOnMaster(master, 101);
  await waitForRow(ro, 101);
  const layout = new Layout(`${svc.dataDir}/engine`);
  await waitFor('the read-only instance streaming from node 1', async () => {
    const c = await connect(ro);
    try {
      const s = (await c.query("SELECT status || ' ' || sender_host AS s FROM pg_stat_wal_receiver")).rows[0]?.s;
      return s === `streaming ${layout.instance(`${masterId}.1`).sock}` ? true : undefined;
    } finally {
      await c.end().catch(() => {});
    }
  }, 60_000);
  const c = await connect(ro);
  assert.deepEqual((await c.query('SELECT count(*)::int AS n FROM t')).rows[0], { n: 101 });
  await c.end();
  await client.IsolateDBInstances({ DBInstanceIdSet: [masterId] });
  await waitForStatus(client, roId, 'isolated', 60_000);
  await waitForStatus(client, masterId, 'isolated', 60_000);
  // Not back before its master; with it, both run again and the read-only instance has every row.
  assert.equal((await errorOf(client.DisIsolateDBInstances({ DBInstanceIdSet: [roId] }))).code, 'OperationDenied.InstanceStatusLimitOpError');
  await client.DisIsolateDBInstances({ DBInstanceIdSet: [masterId, roId] });
  const back = await waitForStatus(client, roId, 'running', 120_000);
  await waitForStatus(client, masterId, 'running', 120_000);
  await insertOnMaster(master, 102);
  await waitForRow(back, 102);
});
