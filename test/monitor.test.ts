// Cloud Monitor (monitor 2018-07-24, namespace QCE/POSTGRES) end to end through the official SDK: the
// metric list, connections and inserted rows of a real server seen in GetMonitorData, the errors of
// unknown namespaces, metrics and instances; and the store's roll-up and retention on their own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { startService, type TestService } from './support/service.ts';
import { postgresClient, createRequest, errorCode, waitForStatus, login, PASSWORD, type PostgresClient } from './support/sdk.ts';
import { monitorClient } from './support/clients.ts';
import { openStore } from '../src/store/db.ts';
import { insertSamples, readSeries, rollUpAndPrune } from '../src/store/monitor.ts';

let svc: TestService;
let client: PostgresClient;
let monitor: ReturnType<typeof monitorClient>;
let inst: any;
let id: string;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '16', PGCLOUD_DEFAULT_STANDBY: '0' } });
  client = postgresClient(svc);
  monitor = monitorClient(svc);
  id = (await client.CreateInstances(createRequest({ DBMajorVersion: '16' }))).DBInstanceIdSet![0]!;
  inst = await waitForStatus(client, id, 'running', 120_000);
});
after(async () => {
  await svc?.cleanup();
});

const NS = 'QCE/POSTGRES';
const dims = (v: string) => [{ Dimensions: [{ Name: 'resourceId', Value: v }] }];
const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().replace(/\.\d+Z$/, '+00:00');

/** The instance's 5 s points of a metric since `since` (Unix seconds). */
async function points(metric: string, since: number): Promise<Array<[number, number]>> {
  const res = await monitor.GetMonitorData({ Namespace: NS, MetricName: metric, Period: 5, Instances: dims(id), StartTime: iso(since), EndTime: iso(Math.floor(Date.now() / 1000) + 5) });
  const dp = res.DataPoints![0]!;
  assert.deepEqual(dp.Dimensions, [{ Name: 'resourceId', Value: id }]);
  return dp.Timestamps!.map((t, i) => [t, dp.Values![i]!]);
}

/** Polls (the sampler writes every 5 s) until the points satisfy `done`. */
async function until(metric: string, since: number, done: (p: Array<[number, number]>) => boolean, timeoutMs = 90_000): Promise<Array<[number, number]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await points(metric, since);
    if (done(p)) return p;
    if (Date.now() > deadline) throw new Error(`${metric} never met the condition: ${JSON.stringify(p.slice(-6))}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('DescribeBaseMetrics: the documented QCE/POSTGRES metrics with units, periods and meanings', async () => {
  const all = (await monitor.DescribeBaseMetrics({ Namespace: NS })).MetricSet!;
  assert.equal(all.length, 31);
  const conn = all.find((m) => m.MetricName === 'Connections')!;
  assert.deepEqual([conn.Namespace, conn.Unit, conn.Period, conn.Dimensions], [NS, 'Count', [5, 60, 300, 3600, 86400], [{ Dimensions: ['resourceId'] }]]);
  assert.deepEqual(conn.Periods![1], { Period: '60', StatType: ['avg'] });
  const one = (await monitor.DescribeBaseMetrics({ Namespace: 'qce/postgres', MetricName: 'TupInserted' })).MetricSet!;
  assert.deepEqual(one.map((m) => [m.MetricName, m.Period, m.MetricCName]), [['TupInserted', [5, 60, 300, 3600], '每秒插入记录数']]);
  assert.equal(await errorCode(monitor.DescribeBaseMetrics({ Namespace: 'QCE/CVM' })), 'InvalidParameter');
});

test('GetMonitorData: unknown namespace, metric, instance, dimension and period are refused with their codes', async () => {
  assert.equal(await errorCode(monitor.GetMonitorData({ Namespace: 'QCE/NOPE', MetricName: 'Connections', Period: 5, Instances: dims(id) })), 'InvalidParameter');
  assert.equal(await errorCode(monitor.GetMonitorData({ Namespace: NS, MetricName: 'CPUUsage', Period: 5, Instances: dims(id) })), 'InvalidParameter');
  assert.equal(await errorCode(monitor.GetMonitorData({ Namespace: NS, MetricName: 'Connections', Period: 5, Instances: dims('postgres-00000000') })), 'AuthFailure.UnauthorizedOperation');
  assert.equal(await errorCode(monitor.GetMonitorData({ Namespace: NS, MetricName: 'Connections', Period: 5, Instances: [{ Dimensions: [{ Name: 'InstanceId', Value: id }] }] })), 'InvalidParameter');
  assert.equal(await errorCode(monitor.GetMonitorData({ Namespace: NS, MetricName: 'Connections', Period: 10, Instances: dims(id) })), 'InvalidParameterValue');
  assert.equal(await errorCode(monitor.GetMonitorData({ Namespace: NS, MetricName: 'Connections', Period: 60, Instances: dims(id), StartTime: iso(2000), EndTime: iso(1000) })), 'InvalidParameterValue');
  // Instances are regional: the same ID asked in another region is not the caller's there.
  assert.equal(await errorCode(monitorClient(svc, 'ap-shanghai').GetMonitorData({ Namespace: NS, MetricName: 'Connections', Period: 5, Instances: dims(id) })), 'AuthFailure.UnauthorizedOperation');
});

test('GetMonitorData: N open connections show in Connections, and leave it when closed', async () => {
  const N = 7;
  const since = Math.floor(Date.now() / 1000);
  const sessions: pg.Client[] = [];
  try {
    for (let i = 0; i < N; i++) sessions.push(await login(inst, 'dbadmin', PASSWORD));
    const p = await until('Connections', since, (p) => p.some(([, v]) => v >= N));
    assert.equal(Math.max(...p.map(([, v]) => v)), N, 'exactly the test\'s sessions (pgcloud\'s own are not counted)');
    const idle = await points('IdleConns', since);
    assert.ok(idle.some(([, v]) => v === N), 'the sessions are idle');
  } finally {
    await Promise.all(sessions.map((s) => s.end()));
  }
  const closedAt = Math.floor(Date.now() / 1000) + 5;
  await until('Connections', closedAt, (p) => p.length > 0 && p[p.length - 1]![1] === 0);
});

test('GetMonitorData: rows inserted show in TupInserted (per second over each sample)', async () => {
  const ROWS = 200_000;
  const db = await login(inst, 'dbadmin', PASSWORD);
  try {
    await db.query('CREATE TABLE t (id int)');
    // After the catalogue rows of CREATE TABLE are counted: wait for a sample taken once it ran.
    const made = Math.floor(Date.now() / 1000) + 5;
    await until('TupInserted', made, (p) => p.length > 0);
    const since = Math.floor(Date.now() / 1000) + 5;
    await until('TupInserted', since, (p) => p.length > 0);
    await db.query('INSERT INTO t SELECT generate_series(1, $1)', [ROWS]);
  } finally {
    await db.end();
  }
  const start = Math.floor(Date.now() / 1000) - 60;
  // Each point is rows per second since the reading before it (5 s earlier, or more when a loaded
  // machine made a round late and a bucket was skipped): rate × the gap to the previous point adds up
  // to the rows inserted, within the jitter of when each reading ran.
  const rows = (p: Array<[number, number]>) => p.reduce((s, [t, v], i) => s + v * (i ? t - p[i - 1]![0] : 5), 0);
  const p = await until('TupInserted', start, (p) => rows(p) >= ROWS * 0.8);
  const total = rows(p);
  assert.ok(total >= ROWS * 0.8 && total <= ROWS * 1.25, `TupInserted adds up to ${total} rows for ${ROWS} inserted: ${JSON.stringify(p)}`);
});

test('store: 5 s samples roll up into 60 s, 300 s and 3600 s rows (avg or sum, max, min) and age out', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-monitor-'));
  const db = await openStore(dir);
  try {
    const t0 = 1_700_000_000 - (1_700_000_000 % 3600); // an hour boundary
    // One hour of 5 s samples: Connections 0..11 repeating each minute, Deadlocks 1 per sample.
    for (let ts = t0; ts < t0 + 3600; ts += 5) await insertSamples(db, ts, [{ instanceId: 'postgres-a', values: { Connections: ((ts - t0) / 5) % 12, Deadlocks: 1 } }]);
    await rollUpAndPrune(db, t0 + 3600 + 10, 10);
    const minute = await readSeries(db, ['postgres-a'], 'Connections', 'avg', 60, t0, t0 + 3599);
    assert.equal(minute.get('postgres-a')!.length, 60);
    assert.deepEqual(minute.get('postgres-a')![0], [t0, [5.5, 11, 0]]);
    const dl = await readSeries(db, ['postgres-a'], 'Deadlocks', 'sum', 3600, t0, t0);
    assert.deepEqual(dl.get('postgres-a'), [[t0, [720, 1, 1]]], 'a count within the period is summed');
    const five = await readSeries(db, ['postgres-a'], 'Deadlocks', 'sum', 300, t0, t0 + 3599);
    assert.deepEqual(five.get('postgres-a')!.map(([, a]) => a[0]), Array(12).fill(60));
    // The 5 s rows are kept an hour, the 60 s rows 12 hours.
    await rollUpAndPrune(db, t0 + 3600 + 3600, 10);
    assert.equal((await readSeries(db, ['postgres-a'], 'Connections', 'avg', 5, t0, t0 + 3599)).get('postgres-a')!.length, 0);
    assert.equal((await readSeries(db, ['postgres-a'], 'Connections', 'avg', 60, t0, t0 + 3599)).get('postgres-a')!.length, 60);
    await rollUpAndPrune(db, t0 + 3600 + 13 * 3600, 10);
    assert.equal((await readSeries(db, ['postgres-a'], 'Connections', 'avg', 60, t0, t0 + 3599)).get('postgres-a')!.length, 0);
    assert.deepEqual((await readSeries(db, ['postgres-a'], 'Connections', 'avg', 3600, t0, t0)).get('postgres-a'), [[t0, [5.5, 11, 0]]]);
    const rows = await db.selectFrom('monitor_samples').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    assert.equal(Number(rows!.n), 12 + 1, '12 five-minute rows and one hour row are left');
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
