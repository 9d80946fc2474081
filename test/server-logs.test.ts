// The server log through the SDK: with log_min_duration_statement set by ModifyDBInstanceParameters,
// DescribeSlowQueryList lists the statements that really ran longer (from the server's csvlog), with
// their duration, database, user and application, ordered and paged; DescribeDBErrlogs lists the real
// errors with their SQLSTATE, filtered by keyword, user and database; pgcloud's own sessions never appear.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, waitForStatus, PASSWORD, type PostgresClient } from './support/sdk.ts';
import { waitFor } from './support/processes.ts';
import { formatApiTime } from '../src/core/time.ts';

let svc: TestService;
let client: PostgresClient;
let id: string;
let inst: any;
let window: { StartTime: string; EndTime: string };

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '15' } });
  client = postgresClient(svc);
  id = (await client.CreateInstances(createRequest({ DBMajorVersion: '15' }))).DBInstanceIdSet![0]!;
  inst = await waitForStatus(client, id, 'running');
  const { TaskId } = await client.ModifyDBInstanceParameters({ DBInstanceId: id, ParamList: [{ Name: 'log_min_duration_statement', ExpectedValue: '200' }] });
  await waitFor('parameter task', async () => (await client.DescribeTasks({ TaskId })).TaskSet![0]!.Status === 'Success', 60_000);
  const started = Date.now();
  const net = (inst.DBInstanceNetInfo as any[]).find((n) => n.NetType === 'private');
  const c = new pg.Client({ host: net.Ip, port: net.Port, user: 'dbadmin', password: PASSWORD, database: 'postgres', application_name: 'logtest' });
  await c.connect();
  try {
    await c.query('SELECT pg_sleep(0.5)');
    await c.query('SELECT 1');
    await c.query('SELECT pg_sleep(0.25)');
    await assert.rejects(c.query('SELECT * FROM no_such_table'), { code: '42P01' });
    await assert.rejects(c.query('SELECT 1/0'), { code: '22012' });
  } finally {
    await c.end();
  }
  window = { StartTime: formatApiTime(new Date(started - 60_000)), EndTime: formatApiTime(new Date(Date.now() + 60_000)) };
});
after(async () => {
  await svc?.cleanup();
});

const slow = (req: Record<string, unknown> = {}) => client.DescribeSlowQueryList({ DBInstanceId: id, ...window, ...req });
const errs = (req: Record<string, unknown> = {}) => client.DescribeDBErrlogs({ DBInstanceId: id, ...window, ...req });

test('DescribeSlowQueryList: the statements over log_min_duration_statement, ordered and paged', async () => {
  // The logging collector writes asynchronously: wait until both are in.
  const res = await waitFor('the slow statements in the log', async () => {
    const r = await slow();
    return r.TotalCount === 2 && r;
  });
  const list = res.RawSlowQueryList!;
  // Default order: SessionStartTime descending (the later statement first).
  assert.deepEqual(list.map((q) => q.RawQuery), ['SELECT pg_sleep(0.25)', 'SELECT pg_sleep(0.5)']);
  for (const q of list) {
    assert.equal(q.DatabaseName, 'postgres');
    assert.equal(q.UserName, 'dbadmin');
    assert.equal(q.ApplicationName, 'logtest');
    assert.match(q.ClientAddr!, /^127\./);
    assert.match(q.SessionStartTime!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.ok(q.ProcessId! > 0);
  }
  assert.ok(list[0]!.Duration! >= 250 && list[1]!.Duration! >= 500, JSON.stringify(list.map((q) => q.Duration)));
  assert.deepEqual(res.DurationAnalysis!.map((d) => [d.TimeSegment, d.Count]), [['0-10s', 2], ['10-20s', 0], ['20-30s', 0], ['30-40s', 0], ['40-50s', 0], ['50-60s', 0], ['60s+', 0]]);
  const byDuration = await slow({ OrderBy: 'Duration', OrderByType: 'asc' });
  assert.deepEqual(byDuration.RawSlowQueryList!.map((q) => q.RawQuery), ['SELECT pg_sleep(0.25)', 'SELECT pg_sleep(0.5)']);
  const page = await slow({ OrderBy: 'Duration', OrderByType: 'desc', Limit: 1, Offset: 1 });
  assert.equal(page.TotalCount, 2);
  assert.deepEqual(page.RawSlowQueryList!.map((q) => q.RawQuery), ['SELECT pg_sleep(0.25)']);
  assert.equal((await slow({ DatabaseName: 'other' })).TotalCount, 0);
  // A window before any of it: nothing.
  const before = { StartTime: formatApiTime(new Date(Date.now() - 3 * 3600_000)), EndTime: formatApiTime(new Date(Date.now() - 2 * 3600_000)) };
  assert.equal((await client.DescribeSlowQueryList({ DBInstanceId: id, ...before })).TotalCount, 0);

  assert.equal(await errorCode(slow({ OrderBy: 'Query' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(slow({ OrderByType: 'up' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(slow({ Limit: 101 })), 'InvalidParameterValue.ParameterOutRangeError');
  assert.equal(await errorCode(slow({ StartTime: '2026/01/01' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(slow({ StartTime: formatApiTime(new Date(Date.now() - 8 * 86400_000)) })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(slow({ StartTime: window.EndTime, EndTime: window.StartTime })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.DescribeSlowQueryList({ DBInstanceId: 'postgres-nonexist', ...window })), 'ResourceNotFound.InstanceNotFoundError');
});

test('DescribeDBErrlogs: the real errors with their SQLSTATE, newest first, filtered', async () => {
  const res = await waitFor('the errors in the log', async () => {
    const r = await errs();
    return r.TotalCount === 2 && r;
  });
  assert.deepEqual(res.Details!.map((d) => [d.SqlStateCode, d.ErrMsg]), [['22012', 'division by zero'], ['42P01', 'relation "no_such_table" does not exist']]);
  for (const d of res.Details!) {
    assert.equal(d.UserName, 'dbadmin');
    assert.equal(d.Database, 'postgres');
    assert.equal(d.ApplicationName, 'logtest');
    assert.match(d.ErrTime!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  }
  assert.deepEqual((await errs({ SearchKeys: ['no_such_table'] })).Details!.map((d) => d.SqlStateCode), ['42P01']);
  assert.equal((await errs({ SearchKeys: ['no_such_table', 'division'] })).TotalCount, 0);
  assert.equal((await errs({ LogFilters: [{ Type: 'user', Compare: 'EQS', Value: ['dbadmin'] }] })).TotalCount, 2);
  assert.equal((await errs({ LogFilters: [{ Type: 'user', Compare: 'NEQ', Value: ['dbadmin'] }] })).TotalCount, 0);
  assert.deepEqual((await errs({ LogFilters: [{ Type: 'sql', Compare: 'INC', Value: ['1/0'] }] })).Details!.map((d) => d.SqlStateCode), ['22012']);
  assert.equal((await errs({ DatabaseName: 'other' })).TotalCount, 0);
  const page = await errs({ Limit: 1, Offset: 1 });
  assert.equal(page.TotalCount, 2);
  assert.deepEqual(page.Details!.map((d) => d.SqlStateCode), ['42P01']);
  assert.equal(await errorCode(errs({ LogFilters: [{ Type: 'bogus', Compare: 'INC', Value: ['x'] }] })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(errs({ LogFilters: [{ Type: 'user', Compare: 'LIKE', Value: ['x'] }] })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(errs({ Limit: 0 })), 'InvalidParameterValue.ParameterOutRangeError');
});

test('the csvlog is in the data directory, private to the server', () => {
  const logs: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.csv') && path.basename(dir) === 'log') logs.push(p);
    }
  };
  walk(path.join(svc.dataDir, 'engine'));
  assert.ok(logs.length >= 1, 'a csvlog file');
  for (const f of logs) assert.equal(fs.statSync(f).mode & 0o777, 0o600);
});
