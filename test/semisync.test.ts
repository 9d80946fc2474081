// Semi-sync's contract under a dead standby, through the official SDK against a real `pgcloud serve`
// with a 5 s fallback: after a SIGKILL of the standby (kept from coming back) commits wait for it
// until the fallback time has passed, then go on asynchronously, and DescribeDBInstanceHAConfig says
// so (SyncState Async); once the standby is back and has caught up, SyncState is Sync again and
// commits wait for it again. Asserted on states and their order, never on how long anything took.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startService, postmastersUnder, type TestService } from './support/service.ts';
import { createRequest, postgresClient, waitForStatus, login, PASSWORD, type PostgresClient } from './support/sdk.ts';
import { Layout } from '../src/engine/local/layout.ts';
import { signalTree, waitFor as waitForState } from './support/processes.ts';

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>) => waitForState(what, fn, 120_000);

let svc: TestService;
let client: PostgresClient;
before(async () => {
  svc = await startService({ env: { PGCLOUD_DEFAULT_STANDBY: '1', PGCLOUD_SEMISYNC_FALLBACK_MS: '5000', PGCLOUD_PREWARM: '16' } });
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const syncState = async (id: string) => ((await client.DescribeDBInstanceHAConfig({ DBInstanceId: id })) as any).SyncState as string;

/** A promise's state, looked at now. */
function tracked<T>(p: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const promise = p.finally(() => (done = true));
  promise.catch(() => {});
  return { promise, settled: () => done };
}

test('Semi-sync: a SIGKILLed standby makes commits wait until the fallback time, then they go on (SyncState Async); back and caught up, they wait again (Sync)', async () => {
  const res = await client.CreateInstances(createRequest({ DBMajorVersion: '16', InstanceCount: 1 }));
  const id = res.DBInstanceIdSet![0]!;
  const inst = await waitForStatus(client, id, 'running', 120_000);
  assert.equal(await syncState(id), 'Sync');
  const standbyDir = new Layout(path.join(svc.dataDir, 'engine')).instance(`${id}.1`).data;
  const standbyPid = () => postmastersUnder(path.dirname(standbyDir))[0];

  const db = await login(inst, 'dbadmin', PASSWORD);
  db.on('error', () => {});
  await db.query('CREATE TABLE t (id int PRIMARY KEY, phase text)');
  // Writes under way the whole time, each in its own transaction.
  const acked: number[] = [];
  let stop = false;
  const writer = await login(inst, 'dbadmin', PASSWORD);
  writer.on('error', () => {});
  const loop = (async () => {
    for (let i = 1; !stop; i++) {
      await writer.query('INSERT INTO t VALUES ($1, $2)', [i, 'loop']);
      acked.push(i);
    }
  })();
  await waitFor('some writes', async () => acked.length >= 30);

  // The standby dies and cannot come back (its data directory is unreadable to its server).
  const killed = standbyPid()!;
  assert.ok(killed);
  fs.chmodSync(standbyDir, 0o000);
  signalTree(killed, 'SIGKILL');
  await waitFor('the standby gone', async () => !fs.existsSync(`/proc/${killed}`));
  const ackedAtKill = acked.length;

  // A commit now waits for the standby while SyncState is still Sync ...
  const commit = tracked(db.query("INSERT INTO t VALUES (-1, 'after the kill')"));
  const seenWhileWaiting = new Set<string>();
  while (!commit.settled()) {
    seenWhileWaiting.add(await syncState(id));
    await sleep(100);
  }
  await commit.promise;
  // ... and is released only once the fallback has been recorded.
  assert.ok(seenWhileWaiting.has('Sync'), `states seen while the commit waited: ${[...seenWhileWaiting]}`);
  assert.equal(await syncState(id), 'Async', 'the commit returned only after the fallback to asynchronous');
  // The loop's commits that waited with it returned too; further ones go on without the standby.
  await waitFor('asynchronous writes', async () => acked.length >= ackedAtKill + 30);
  assert.equal(standbyPid(), undefined, 'the standby is still down: these commits did not wait for it');
  assert.equal(await syncState(id), 'Async');
  const { rows: roles } = await db.query('SHOW synchronous_standby_names');
  assert.equal(roles[0].synchronous_standby_names, '');

  // The standby may start again: once it has caught up, Semi-sync is synchronous again.
  fs.chmodSync(standbyDir, 0o700);
  await waitFor('SyncState Sync', async () => (await syncState(id)) === 'Sync');
  const { rows: repl } = await db.query('SELECT state, sync_state FROM pg_stat_replication');
  assert.deepEqual(repl.map((r) => [r.state, r.sync_state]), [['streaming', 'sync']]);
  // A longer fallback for the last part: the pause below must not be mistaken for a dead standby on a slow machine.
  await client.ModifyDBInstanceHAConfig({ DBInstanceId: id, SyncMode: 'Semi-sync', MaxStandbyLatency: 1073741824, MaxStandbyLag: 10, MaxSyncStandbyLatency: 1073741824, MaxSyncStandbyLag: 600 });
  await waitForStatus(client, id, 'running', 60_000);
  await waitFor('synchronous again after the change', async () => (await syncState(id)) === 'Sync' && (await db.query('SHOW synchronous_standby_names')).rows[0].synchronous_standby_names !== '');

  // Commits wait for it again: with the standby frozen a commit does not return ...
  const frozen = standbyPid()!;
  signalTree(frozen, 'SIGSTOP');
  let waiting: ReturnType<typeof tracked>;
  try {
    waiting = tracked(db.query("INSERT INTO t VALUES (-2, 'standby frozen')"));
    for (let i = 0; i < 10; i++) {
      await sleep(100);
      assert.equal(waiting.settled(), false, 'a commit returned while the synchronous standby was frozen');
    }
    assert.equal(await syncState(id), 'Sync');
  } finally {
    signalTree(frozen, 'SIGCONT');
  }
  // ... until the standby has it.
  await waiting!.promise;
  assert.equal(await syncState(id), 'Sync');

  stop = true;
  await loop;
  await writer.end();
  // Nothing acknowledged is missing.
  const present = new Set((await db.query('SELECT id FROM t')).rows.map((r) => r.id as number));
  assert.deepEqual([...acked, -1, -2].filter((i) => !present.has(i)), []);
  await db.end();
  await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
  await waitForStatus(client, id, 'isolated', 60_000);
});

test('pgcloud SIGKILLed right after the primary: its next start fails over at once to the standby, which has every acknowledged commit', async () => {
  const res = await client.CreateInstances(createRequest({ DBMajorVersion: '16', InstanceCount: 1, Zone: 'ap-guangzhou-3', DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }, { Role: 'Standby', Zone: 'ap-guangzhou-4' }] }));
  const id = res.DBInstanceIdSet![0]!;
  const inst = await waitForStatus(client, id, 'running', 120_000);
  assert.equal(await syncState(id), 'Sync');
  const layout = new Layout(path.join(svc.dataDir, 'engine'));
  const node = (n: string) => postmastersUnder(path.dirname(layout.instance(n).data))[0];
  const primary = node(id)!;
  const db = await login(inst, 'dbadmin', PASSWORD);
  db.on('error', () => {});
  await db.query('CREATE TABLE t (id int PRIMARY KEY)');
  const acked: number[] = [];
  for (let i = 1; i <= 200; i++) {
    await db.query('INSERT INTO t VALUES ($1)', [i]);
    acked.push(i);
  }
  await db.end();
  // The primary dies, and pgcloud with it before its health check could act.
  signalTree(primary, 'SIGKILL');
  await svc.kill9();
  await svc.restart();
  const back = await waitForStatus(client, id, 'running', 120_000);
  // Failed over: the standby's node serves at the instance's address; the dead primary was not
  // recovered in place (it is rebuilt as the new standby).
  assert.deepEqual(back.DBNodeSet.map((n: any) => [n.Role, n.Zone]), [['Primary', 'ap-guangzhou-4'], ['Standby', 'ap-guangzhou-3']]);
  const c = await waitFor('a session at the address', async () => login(back, 'dbadmin', PASSWORD));
  const { rows } = await c.query("SELECT pg_backend_pid() AS pid, current_setting('data_directory') AS dir");
  assert.equal(rows[0].dir, layout.instance(`${id}.1`).data);
  const present = new Set((await c.query('SELECT id FROM t')).rows.map((r) => r.id as number));
  assert.deepEqual(acked.filter((i) => !present.has(i)), []);
  await c.end();
  await waitFor('the rebuilt standby synchronous', async () => (await syncState(id)) === 'Sync');
  assert.ok(node(id) !== undefined && node(id) !== primary, 'the former primary runs again, as the standby');
  await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
  await waitForStatus(client, id, 'isolated', 60_000);
});

test('DescribeDBInstanceHAConfig: SyncState is Async for SyncMode Async and for a single-node instance', async () => {
  const res = await client.CreateInstances(createRequest({ DBMajorVersion: '16', InstanceCount: 1, SyncMode: 'Async' }));
  const id = res.DBInstanceIdSet![0]!;
  await waitForStatus(client, id, 'running', 120_000);
  const ha = (await client.DescribeDBInstanceHAConfig({ DBInstanceId: id })) as any;
  assert.equal(ha.SyncMode, 'Async');
  assert.equal(ha.SyncState, 'Async');
  const single = await client.CreateInstances(createRequest({ DBMajorVersion: '16', InstanceCount: 1, DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }] }));
  await waitForStatus(client, single.DBInstanceIdSet![0]!, 'running', 120_000);
  assert.equal(((await client.DescribeDBInstanceHAConfig({ DBInstanceId: single.DBInstanceIdSet![0]! })) as any).SyncState, 'Async');
  void pg;
});
