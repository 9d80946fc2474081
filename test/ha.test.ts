// High availability end to end, through the official SDK against a real `pgcloud serve`: a standby
// streaming from the primary, Semi-sync that falls back and returns, Async, failover after a SIGKILL
// of the primary with every acknowledged commit kept and the same address, and a planned switchover.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import pg from 'pg';
import { startService, postmastersUnder, type TestService } from './support/service.ts';
import { Layout } from '../src/engine/local/layout.ts';
import { BOOTSTRAP_USER } from '../src/engine/local/config.ts';
import { createRequest, postgresClient, waitForStatus, login, errorOf, type PostgresClient } from './support/sdk.ts';
import { signalTree, waitFor } from './support/processes.ts';

const PASSWORD = 'Pgcloud#2026pw';
const request = createRequest({ DBMajorVersion: '16' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let svc: TestService;
let client: PostgresClient;
before(async () => {
  svc = await startService({ env: { PGCLOUD_DEFAULT_STANDBY: '1', PGCLOUD_SEMISYNC_FALLBACK_MS: '2000', PGCLOUD_PREWARM: '16' } });
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

/** The postmaster serving a session: the parent of its backend. */
async function postmasterOf(db: pg.Client): Promise<number> {
  const { rows } = await db.query('SELECT pg_backend_pid() AS pid');
  const stat = fs.readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The postmasters of an instance's two nodes (their data directories are named after it). */
function nodesOf(id: string): number[] {
  return postmastersUnder(svc.dataDir).filter((pid) => {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes(`/${id}/`) || cmd.includes(`/${id}.1/`);
  });
}

const freeze = (pid: number, sig: 'SIGSTOP' | 'SIGCONT') => signalTree(pid, sig);

async function replication(db: pg.Client): Promise<Array<{ application_name: string; state: string; sync_state: string }>> {
  return (await db.query('SELECT application_name, state, sync_state FROM pg_stat_replication')).rows;
}

/** Connects to the instance's address, retrying while the primary moves (same address throughout). */
async function connect(inst: any): Promise<pg.Client> {
  return waitFor('a connection', async () => {
    const db = await login(inst, 'dbadmin', PASSWORD);
    db.on('error', () => {});
    return db;
  });
}

/**
 * Inserts rows one by one, each in its own transaction, reconnecting after any error, until stop();
 * returns the ids whose COMMIT the client saw acknowledged.
 */
function writeLoop(inst: any): { acked: number[]; stop: () => Promise<void>; errors: () => number } {
  const acked: number[] = [];
  let stopped = false;
  let errors = 0;
  const done = (async () => {
    let db: pg.Client | undefined;
    for (let i = 1; !stopped; i++) {
      try {
        db ??= await connect(inst);
        await db.query('INSERT INTO t (id) VALUES ($1)', [i]);
        acked.push(i);
      } catch {
        errors++;
        await db?.end().catch(() => {});
        db = undefined;
        await sleep(20);
      }
    }
    await db?.end().catch(() => {});
  })();
  return { acked, errors: () => errors, stop: async () => ((stopped = true), await done) };
}

async function createHa(extra: Record<string, unknown> = {}): Promise<any> {
  const res = await client.CreateInstances({ ...request, InstanceCount: 1, ...extra });
  return waitForStatus(client, res.DBInstanceIdSet![0]!, 'running', 120_000);
}

test("the seed's second example makes a primary in ap-guangzhou-2 and a streaming standby in ap-guangzhou-3", async () => {
  const res = await client.CreateInstances({
    InstanceCount: 1, AutoRenewFlag: 1, DBMajorVersion: '12', Zone: 'ap-guangzhou-2', AdminPassword: PASSWORD, Charset: 'UTF8', Storage: 10, Period: 1,
    SpecCode: 'cdb.pg.z1.2g', InstanceChargeType: 'prepaid', AutoVoucher: 0,
    DBNodeSet: [{ Role: 'Standby', Zone: 'ap-guangzhou-3' }, { Role: 'Primary', Zone: 'ap-guangzhou-2' }],
    AdminName: 'test2313',
  });
  const id = res.DBInstanceIdSet![0]!;
  const inst = await waitForStatus(client, id, 'running', 120_000);
  assert.deepEqual(inst.DBNodeSet, [
    { Role: 'Primary', Zone: 'ap-guangzhou-2', DedicatedClusterId: '' },
    { Role: 'Standby', Zone: 'ap-guangzhou-3', DedicatedClusterId: '' },
  ]);
  const listed = await client.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [id] }] });
  assert.equal(listed.DBInstanceSet![0]!.DBNodeSet!.length, 2);
  assert.equal(nodesOf(id).length, 2);
  const db = await login(inst, 'test2313', PASSWORD);
  const repl = await replication(db);
  assert.equal(repl.length, 1);
  assert.equal(repl[0]!.state, 'streaming');
  assert.equal(repl[0]!.sync_state, 'sync'); // Semi-sync by default
  assert.equal((await db.query('SHOW server_version_num')).rows[0].server_version_num.slice(0, 2), '12');
  await db.end();
  const ha = await client.DescribeDBInstanceHAConfig({ DBInstanceId: id });
  assert.equal(ha.SyncMode, 'Semi-sync');
  // Primary, base backup and standby were made in one go: no attempt failed and was retried.
  const metrics = await (await fetch(`${svc.url}/metrics`)).text();
  assert.match(metrics, /^pgcloud_reconcile_failures_total 0$/m);
  // A standby zone outside the primary zone's StandbyZoneSet is refused.
  const err = await errorOf(client.CreateInstances({ ...request, InstanceCount: 1, DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }, { Role: 'Standby', Zone: 'ap-shanghai-2' }] }));
  assert.equal(err.code, 'InvalidParameterValue.IllegalZone');
  assert.match(err.message, /StandbyZoneSet/);
  assert.equal((await errorOf(client.CreateInstances({ ...request, InstanceCount: 1, SyncMode: 'Sometimes' }))).code, 'InvalidParameterValue.InvalidParameterValueError');
  await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
  await waitForStatus(client, id, 'isolated', 60_000);
  assert.equal(nodesOf(id).length, 0);
});

test('Semi-sync failover: SIGKILL of the primary under a write loop loses no acknowledged commit; writes resume at the same address; a new standby streams', async () => {
  const inst = await createHa();
  assert.deepEqual(inst.DBNodeSet.map((n: any) => n.Role), ['Primary', 'Standby']);
  const address = `${inst.DBInstanceNetInfo[0].Ip}:${inst.DBInstanceNetInfo[0].Port}`;
  const setup = await login(inst, 'dbadmin', PASSWORD);
  await setup.query('CREATE TABLE t (id int PRIMARY KEY)');
  const oldPrimary = await postmasterOf(setup);
  await setup.end();
  const loop = writeLoop(inst);
  await waitFor('some writes', async () => loop.acked.length >= 50);
  const before = loop.acked.length;
  process.kill(oldPrimary, 'SIGKILL');
  await waitFor('writes after the failover', async () => loop.errors() > 0 && loop.acked.length >= before + 50, 60_000);
  await loop.stop();
  const back = await waitForStatus(client, inst.DBInstanceId, 'running', 120_000);
  assert.equal(`${back.DBInstanceNetInfo[0].Ip}:${back.DBInstanceNetInfo[0].Port}`, address);
  const db = await login(back, 'dbadmin', PASSWORD);
  assert.notEqual(await postmasterOf(db), oldPrimary);
  const { rows } = await db.query('SELECT id FROM t');
  const present = new Set(rows.map((r) => r.id));
  const lost = loop.acked.filter((id) => !present.has(id));
  assert.deepEqual(lost, [], `${lost.length} acknowledged commits of ${loop.acked.length} lost`);
  const repl = await waitFor('the new standby', async () => {
    const r = await replication(db);
    return r.length === 1 && r[0]!.state === 'streaming' && r[0]!.sync_state === 'sync' ? r : undefined;
  });
  assert.equal(repl.length, 1);
  await db.end();
  assert.equal(nodesOf(inst.DBInstanceId).length, 2);
  // A former primary is rebuilt from a base backup, never from the template.
  assert.ok(fs.existsSync(`${new Layout(`${svc.dataDir}/engine`).instance(inst.DBInstanceId).data}/backup_label.old`), 'the rebuilt standby came from a base backup');
  // The failover was measured: one observation in the failover histogram.
  const metrics = await (await fetch(`${svc.url}/metrics`)).text();
  assert.match(metrics, /^pgcloud_failover_duration_seconds_count 1$/m);
  await client.IsolateDBInstances({ DBInstanceIdSet: [inst.DBInstanceId] });
});

test('Semi-sync falls back to asynchronous while the standby is gone and returns once it caught up; Async never waits', async () => {
  const inst = await createHa();
  const db = await login(inst, 'dbadmin', PASSWORD);
  db.on('error', () => {});
  await db.query('CREATE TABLE t (id int)');
  const primary = await postmasterOf(db);
  const [standby] = nodesOf(inst.DBInstanceId).filter((p) => p !== primary);
  assert.ok(standby);
  const names = async () => (await db.query('SHOW synchronous_standby_names')).rows[0].synchronous_standby_names as string;
  assert.notEqual(await names(), '');
  // The standby stops (its postmaster and every child frozen: it neither streams nor answers).
  freeze(standby!, 'SIGSTOP');
  try {
    const t0 = Date.now();
    await db.query('INSERT INTO t VALUES (1)'); // waits for the standby, then for the fallback
    const waited = Date.now() - t0;
    assert.ok(waited >= 1500, `the commit waited ${waited} ms for the standby`);
    assert.ok(waited < 20_000, `the commit waited ${waited} ms`);
    assert.equal(await names(), '');
    const t1 = Date.now();
    await db.query('INSERT INTO t VALUES (2)');
    assert.ok(Date.now() - t1 < 1000, 'asynchronous after the fallback');
  } finally {
    freeze(standby!, 'SIGCONT');
  }
  // Back: synchronous again once the standby has caught up.
  await waitFor('synchronous again', async () => ((await names()) !== '' ? true : undefined));
  const r = await waitFor('sync standby', async () => ((await replication(db))[0]?.sync_state === 'sync' ? true : undefined));
  assert.ok(r);

  // Async: commits never wait, even for a frozen standby.
  await client.ModifyDBInstanceHAConfig({ DBInstanceId: inst.DBInstanceId, SyncMode: 'Async', MaxStandbyLatency: 1073741824, MaxStandbyLag: 10 });
  await waitFor('asynchronous', async () => ((await names()) === '' ? true : undefined));
  const ha = await client.DescribeDBInstanceHAConfig({ DBInstanceId: inst.DBInstanceId });
  assert.equal(ha.SyncMode, 'Async');
  assert.equal(ha.MaxSyncStandbyLag ?? null, null);
  assert.equal((await replication(db))[0]?.sync_state, 'async');
  freeze(standby!, 'SIGSTOP');
  try {
    const t0 = Date.now();
    await db.query('INSERT INTO t VALUES (3)');
    assert.ok(Date.now() - t0 < 1000, 'an Async commit does not wait for the standby');
  } finally {
    freeze(standby!, 'SIGCONT');
  }
  await db.end();
  await client.IsolateDBInstances({ DBInstanceIdSet: [inst.DBInstanceId] });
});

test('SwitchDBInstancePrimary: a planned switchover keeps every commit, the address and a streaming standby', async () => {
  const inst = await createHa({ Zone: 'ap-guangzhou-3', DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }, { Role: 'Standby', Zone: 'ap-guangzhou-4' }] });
  const setup = await login(inst, 'dbadmin', PASSWORD);
  await setup.query('CREATE TABLE t (id int PRIMARY KEY)');
  const oldPrimary = await postmasterOf(setup);
  await setup.end();
  const loop = writeLoop(inst);
  await waitFor('some writes', async () => loop.acked.length >= 50);
  const before = loop.acked.length;
  await client.SwitchDBInstancePrimary({ DBInstanceId: inst.DBInstanceId });
  await waitFor('writes after the switchover', async () => loop.acked.length >= before + 50 && loop.errors() > 0, 60_000);
  await loop.stop();
  const back = await waitForStatus(client, inst.DBInstanceId, 'running', 120_000);
  assert.deepEqual(back.DBNodeSet, [
    { Role: 'Primary', Zone: 'ap-guangzhou-4', DedicatedClusterId: '' },
    { Role: 'Standby', Zone: 'ap-guangzhou-3', DedicatedClusterId: '' },
  ]);
  assert.equal(back.DBInstanceNetInfo[0].Ip, inst.DBInstanceNetInfo[0].Ip);
  const db = await login(back, 'dbadmin', PASSWORD);
  assert.notEqual(await postmasterOf(db), oldPrimary);
  const present = new Set((await db.query('SELECT id FROM t')).rows.map((r) => r.id));
  assert.deepEqual(loop.acked.filter((id) => !present.has(id)), []);
  await waitFor('the new standby', async () => ((await replication(db))[0]?.state === 'streaming' ? true : undefined));
  await db.end();
  const tasks = await client.DescribeTasks({ Filters: [{ Name: 'instance-id', Values: [inst.DBInstanceId] }] } as any).catch(() => undefined);
  void tasks;
  await client.IsolateDBInstances({ DBInstanceIdSet: [inst.DBInstanceId] });
});

// A new standby is a copy of the template replaying the primary's WAL from the template's checkpoint
// (no base backup): it must hold exactly what the primary holds, on recovery.conf (10, 11) and standby.signal (12+).
for (const major of ['10', '17']) {
  test(`PostgreSQL ${major}: a new standby made from the template streams and has the primary's writes`, async () => {
    const failures = async () => Number(/^pgcloud_reconcile_failures_total (\d+)$/m.exec(await (await fetch(`${svc.url}/metrics`)).text())?.[1]);
    const failedBefore = await failures();
    const inst = await createHa({ DBMajorVersion: major });
    const id = inst.DBInstanceId as string;
    // A base backup's standby keeps its backup_label as backup_label.old once recovery starts; a template copy has none.
    const standbyData = new Layout(`${svc.dataDir}/engine`).instance(`${id}.1`).data;
    assert.ok(fs.existsSync(`${standbyData}/PG_VERSION`) && !fs.existsSync(`${standbyData}/backup_label.old`), 'the standby is a copy of the template');
    // Owned by the instance's user, as the primary's files are (the template is the shared user's).
    const owner = fs.statSync(new Layout(`${svc.dataDir}/engine`).instance(id).data).uid;
    for (const f of ['', '/global/pg_control', '/base', major === '10' ? '/recovery.conf' : '/standby.signal']) assert.equal(fs.statSync(`${standbyData}${f}`).uid, owner, f);
    const db = await login(inst, 'dbadmin', PASSWORD);
    await db.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await db.query("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 5000) g");
    const repl = await replication(db);
    assert.equal(repl.length, 1);
    assert.equal(repl[0]!.state, 'streaming');
    assert.equal(repl[0]!.sync_state, 'sync');
    const want = (await db.query('SELECT count(*)::int AS n, md5(string_agg(v, \',\' ORDER BY id)) AS h FROM t')).rows[0];
    const lsn = (await db.query('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l as string;
    await db.end();
    // The standby, over its own Unix socket.
    const sb = new pg.Client({ host: new Layout(`${svc.dataDir}/engine`).instance(`${id}.1`).sock, port: inst.DBInstanceNetInfo[0].Port, user: BOOTSTRAP_USER, database: 'postgres' });
    await sb.connect();
    try {
      assert.equal((await sb.query('SELECT pg_is_in_recovery() AS r')).rows[0].r, true);
      assert.equal((await sb.query('SHOW server_version_num')).rows[0].server_version_num.slice(0, 2), major);
      await waitFor('the standby to replay the writes', async () => (await sb.query('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn])).rows[0].ok || undefined);
      const got = (await sb.query('SELECT count(*)::int AS n, md5(string_agg(v, \',\' ORDER BY id)) AS h FROM t')).rows[0];
      assert.deepEqual(got, want);
      assert.equal(got.n, 5000);
    } finally {
      await sb.end();
    }
    assert.equal(await failures(), failedBefore);
    await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
  });
}
