// Parameters end to end through the official SDK against `pgcloud serve` and real servers of several
// majors: the catalogue against each server's own pg_settings (read over a real login), the codes of
// wrong values, injection attempts refused with the configuration files left byte for byte as they
// were, reload against restart (the postmaster's start time), DescribeDefaultParameters, and parameter
// templates (their actions, and applied to a running instance the way the Terraform provider does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startService, type TestService } from './support/service.ts';
import { createRequest, errorCode, login, PASSWORD, postgresClient, waitForStatus, type PostgresClient } from './support/sdk.ts';
import data from '../src/core/catalog/parameters.json' with { type: 'json' };

const MAJORS = ['10', '13', '17', '18'];
let svc: TestService;
let client: PostgresClient;
const inst: Record<string, any> = {};

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: MAJORS.join(',') } });
  client = postgresClient(svc);
  const ids = await Promise.all(MAJORS.map(async (m) => (await client.CreateInstances(createRequest({ DBMajorVersion: m, Name: `params-${m}` }))).DBInstanceIdSet![0]!));
  for (const [i, m] of MAJORS.entries()) inst[m] = await waitForStatus(client, ids[i]!, 'running', 120_000);
});
after(async () => {
  await svc?.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sql(major: string, text: string, values: unknown[] = []): Promise<any[]> {
  const c = await login(inst[major], 'dbadmin', PASSWORD);
  try {
    return (await c.query(text, values)).rows;
  } finally {
    await c.end();
  }
}
const show = async (major: string, name: string) => Object.values((await sql(major, `SHOW ${name}`))[0])[0] as string;
const startTime = async (major: string) => (await sql(major, 'SELECT pg_postmaster_start_time()::text AS t'))[0].t as string;

/** Waits until every parameter event of the instance is applied and it is running again. */
async function applied(major: string): Promise<void> {
  const id = inst[major].DBInstanceId;
  for (let i = 0; ; i++) {
    const ev = await client.DescribeParamsEvent({ DBInstanceId: id });
    if (ev.EventItems!.every((e) => e.EventDetail!.every((d) => d.State === 'success'))) break;
    assert.ok(i < 1200, 'parameter events not applied');
    await sleep(100);
  }
  inst[major] = await waitForStatus(client, id, 'running');
}

async function modify(major: string, params: Record<string, string>): Promise<number> {
  const { TaskId } = await client.ModifyDBInstanceParameters({ DBInstanceId: inst[major].DBInstanceId, ParamList: Object.entries(params).map(([Name, ExpectedValue]) => ({ Name, ExpectedValue })) });
  await applied(major);
  return TaskId!;
}

const current = async (major: string, name: string) => (await client.DescribeDBInstanceParameters({ DBInstanceId: inst[major].DBInstanceId, ParamName: name })).Detail![0]!.CurrentValue;

/** The instance's configuration files as they are on disk. */
function confFiles(major: string): Record<string, string> {
  const dir = path.join(svc.dataDir, 'engine', 'instances', inst[major].DBInstanceId, 'data');
  return Object.fromEntries(['pgcloud.conf', 'postgresql.conf', 'postgresql.auto.conf'].map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

test('every offered parameter is a setting of the real server, with the value the server really runs with', async () => {
  const categories = new Set(['Autovacuum', 'Client Connection Defaults', 'Connections and Authentication', 'Error Handling', 'Lock Management', 'Process Title', 'Query Tuning', 'Replication', 'Reporting and Logging', 'Resource Usage', 'Statistics', 'Vacuuming', 'Version and Platform Compatibility', 'Write-Ahead Log']);
  for (const m of MAJORS) {
    // The reconciler reads a new instance's settings just after it reports it running.
    const server = new Map((await sql(m, 'SELECT lower(name) AS name, setting FROM pg_settings')).map((r) => [r.name, r.setting]));
    let res = await client.DescribeDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId });
    for (let i = 0; i < 100 && res.Detail!.some((p) => !p.Name!.startsWith('tcp_') && p.CurrentValue !== server.get(p.Name!)); i++) {
      await sleep(100);
      res = await client.DescribeDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId });
    }
    const expected = data.parameters.filter((p) => p.since <= Number(m) && p.until >= Number(m)).length;
    assert.equal(res.TotalCount, expected, `PostgreSQL ${m}`);
    assert.ok(res.TotalCount! > 150, `PostgreSQL ${m} offers ${res.TotalCount}`);
    // The admin (pg_read_all_settings) reads pg_settings over TCP: the same values, name by name.
    for (const p of res.Detail!) {
      // Over TCP these show the kernel's own values where the server's setting is 0 ("the system default").
      if (p.Name!.startsWith('tcp_') && p.CurrentValue === '0') continue;
      const pgName = (data.parameters.find((d) => d.name === p.Name) as { pgName?: string }).pgName ?? p.Name!;
      assert.ok(server.has(pgName.toLowerCase()), `${p.Name} is not a setting of PostgreSQL ${m}`);
      assert.equal(p.CurrentValue, server.get(pgName.toLowerCase()), `${p.Name} on PostgreSQL ${m}`);
      assert.ok(categories.has(p.ClassificationEN!), `${p.Name}: ${p.ClassificationEN}`);
      assert.ok(['integer', 'real', 'bool', 'enum', 'mutil_enum', 'string'].includes(p.ParamValueType!));
      if (p.ParamValueType === 'integer' || p.ParamValueType === 'real') assert.ok(p.Min! <= p.Max!, `${p.Name} range`);
      if (['bool', 'enum', 'mutil_enum'].includes(p.ParamValueType!)) assert.ok(p.EnumValue!.length > 0, `${p.Name} values`);
    }
    // The provider reads these two with strconv.Atoi.
    for (const n of ['max_standby_streaming_delay', 'max_standby_archive_delay']) {
      const p = res.Detail!.find((d) => d.Name === n)!;
      assert.match(p.CurrentValue!, /^-?\d+$/);
      assert.equal(p.ParamValueType, 'integer');
      assert.equal(p.Unit, 'ms');
    }
    const byName = new Map(res.Detail!.map((d) => [d.Name, d]));
    // The vendor's own examples: wal_level without minimal, restart-only; max_connections spec-related from 100.
    assert.deepEqual(byName.get('wal_level')!.EnumValue, ['replica', 'logical']);
    assert.equal(byName.get('wal_level')!.NeedReboot, true);
    assert.equal(byName.get('max_connections')!.SpecRelated, true);
    assert.equal(byName.get('max_connections')!.Min, 100);
    assert.equal(byName.get('max_worker_processes')!.StandbyRelated, 1);
    assert.equal(byName.get('search_path')!.ParamValueType, 'string');
    assert.equal(byName.get('autovacuum_multixact_freeze_max_age')!.NeedReboot, true);
    assert.equal(byName.get('statement_timeout')!.NeedReboot, false);
    // Spec-related defaults are what a 2 GB instance runs with; shared_buffers in pages of 8 kB.
    const sb = byName.get('shared_buffers')!;
    assert.equal(sb.Unit, '8kB');
    assert.equal(sb.DefaultValue, sb.CurrentValue);
    assert.equal(sb.Max, Math.floor(2048 * 0.8) * 128);
    assert.equal(byName.get('max_connections')!.DefaultValue, byName.get('max_connections')!.CurrentValue);
    // What pgcloud keeps for itself is not offered.
    for (const n of ['fsync', 'listen_addresses', 'port', 'archive_command', 'synchronous_standby_names', 'ssl', 'password_encryption', 'data_directory']) assert.ok(!byName.has(n), n);
    // Parameters of newer majors only where they exist.
    assert.equal(byName.has('idle_session_timeout'), Number(m) >= 14);
    assert.equal(byName.has('event_triggers'), Number(m) >= 17);
    assert.equal(byName.has('enable_group_by_reordering'), Number(m) >= 17);
  }
  assert.equal(await errorCode(client.DescribeDBInstanceParameters({ DBInstanceId: inst['13'].DBInstanceId, ParamName: 'event_triggers' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.DescribeDBInstanceParameters({ DBInstanceId: 'postgres-00000000' })), 'ResourceNotFound.InstanceNotFoundError');
});

test('DescribeDefaultParameters lists what each major offers, the spec-related ones per spec', async () => {
  for (const m of ['10', '11', '12', '13', '14', '15', '16', '17', '18']) {
    const res = await client.DescribeDefaultParameters({ DBMajorVersion: m, DBEngine: 'postgresql' });
    assert.equal(res.TotalCount, data.parameters.filter((p) => p.since <= Number(m) && p.until >= Number(m)).length);
    const byName = new Map(res.ParamInfoSet!.map((d) => [d.Name, d]));
    for (const n of ['max_standby_streaming_delay', 'max_standby_archive_delay']) assert.equal(byName.get(n)!.DefaultValue, '30000', `${n} on ${m}`);
    assert.equal(byName.get('statement_timeout')!.CurrentValue, '');
    const sb = byName.get('shared_buffers')!;
    const memories = sb.SpecRelationSet!.map((s) => s.Memory);
    assert.ok(memories.includes('2GB') && memories.includes('16GB'), memories.join());
    assert.equal(sb.SpecRelationSet!.find((s) => s.Memory === '16GB')!.Max, Math.floor(16384 * 0.8) * 128);
    assert.equal(sb.VersionRelationSet![0]!.DBKernelVersion, inst[m]?.DBKernelVersion ?? sb.VersionRelationSet![0]!.DBKernelVersion);
    assert.deepEqual(byName.get('statement_timeout')!.SpecRelationSet, []);
  }
  assert.equal(await errorCode(client.DescribeDefaultParameters({ DBMajorVersion: '9', DBEngine: 'postgresql' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.DescribeDefaultParameters({ DBMajorVersion: '13', DBEngine: 'mysql' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.DescribeDefaultParameters({ DBMajorVersion: '13', DBEngine: 'mssql_compatible' })), 'UnsupportedOperation');
});

test('wrong values are refused with their codes on every major, and nothing changes', async () => {
  const BAD = 'InvalidParameterValue.InvalidParameterValueError';
  const RANGE = 'InvalidParameterValue.ParameterOutOfRange';
  const cases: Array<[string, string, string]> = [
    ['statement_timeout', 'soon', BAD], // not an integer
    ['statement_timeout', '10s', BAD], // a unit: the API takes bare numbers in the parameter's unit
    ['statement_timeout', '-1', RANGE],
    ['statement_timeout', '2147483648', RANGE],
    ['random_page_cost', 'cheap', BAD],
    ['random_page_cost', '-0.5', RANGE],
    ['autovacuum_vacuum_scale_factor', '101', RANGE],
    ['log_statement', 'everything', BAD],
    ['log_statement', 'ALL', BAD], // enum values as listed
    ['wal_level', 'minimal', BAD], // the vendor's rule
    ['track_io_timing', 'maybe', BAD],
    ['shared_buffers', String(Math.floor(2048 * 0.8) * 128 + 1), RANGE], // more than the spec's memory allows
    ['max_connections', '99', RANGE],
    ['shared_preload_libraries', 'x', BAD],
    ['shared_preload_libraries', 'pg_stat_statements,pg_stat_statements', BAD],
    ['timezone', 'Mars/Olympus', BAD],
    ['datestyle', 'ISO, SQL', BAD],
    ['search_path', 'public; drop', BAD],
    ['fsync', 'off', BAD], // kept by pgcloud
    ['listen_addresses', '*', BAD],
    ['no_such_parameter', '1', BAD],
  ];
  for (const m of MAJORS) {
    const before = confFiles(m);
    const started = await startTime(m);
    for (const [name, value, code] of cases) {
      assert.equal(await errorCode(client.ModifyDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId, ParamList: [{ Name: name, ExpectedValue: value }] })), code, `${name}=${value} on PostgreSQL ${m}`);
    }
    // One bad entry refuses the whole list.
    assert.equal(await errorCode(client.ModifyDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId, ParamList: [{ Name: 'lock_timeout', ExpectedValue: '5000' }, { Name: 'lock_timeout', ExpectedValue: '6000' }] })), BAD);
    assert.equal(await errorCode(client.ModifyDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId, ParamList: [{ Name: 'lock_timeout', ExpectedValue: '5000' }, { Name: 'deadlock_timeout', ExpectedValue: '0' }] })), RANGE);
    // Newer majors' parameters do not exist on older ones.
    if (Number(m) < 14) assert.equal(await errorCode(client.ModifyDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId, ParamList: [{ Name: 'idle_session_timeout', ExpectedValue: '1000' }] })), BAD);
    if (Number(m) < 17) assert.equal(await errorCode(client.ModifyDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId, ParamList: [{ Name: 'enable_group_by_reordering', ExpectedValue: 'on' }] })), BAD);
    // PostgreSQL 18's log_connections is a list of aspects (or a boolean alone); before, a boolean.
    const lc = m === '18' ? 'on,receipt' : 'receipt';
    assert.equal(await errorCode(client.ModifyDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId, ParamList: [{ Name: 'log_connections', ExpectedValue: lc }] })), BAD);
    assert.deepEqual(confFiles(m), before, `PostgreSQL ${m}: the configuration changed`);
    assert.equal(await startTime(m), started);
    assert.equal((await client.DescribeParamsEvent({ DBInstanceId: inst[m].DBInstanceId })).TotalCount, 0);
    assert.equal((await client.DescribeDBInstanceAttribute({ DBInstanceId: inst[m].DBInstanceId })).DBInstance!.DBInstanceStatus, 'running');
  }
});

test('no name or value can add a line to the configuration or break its quoting', async () => {
  const m = '17';
  const before = confFiles(m);
  const attempts: Array<[string, string]> = [
    ['statement_timeout', '1000\ninclude \'/etc/passwd\''],
    ['statement_timeout', '1000 # comment'],
    ['statement_timeout', "1000'"],
    ['search_path', "public\ninclude '/etc/passwd'"],
    ['search_path', 'public\r\nfsync = off'],
    ['search_path', "public' \nfsync = 'off"],
    ['search_path', 'public # comment'],
    ['search_path', "public'"],
    ['search_path', 'public\\'],
    ['timezone', "UTC'\ninclude_dir '/tmp"],
    ['log_statement', "all'\nfsync = off #"],
    ['statement_timeout\ninclude', '1'],
    ['include', '/etc/passwd'],
    ['include_dir', '/tmp'],
    ['include_if_exists', '/etc/passwd'],
    ['fsync = off #', '1'],
    ["statement_timeout = '1'", '1'],
  ];
  for (const [name, value] of attempts) {
    const code = await errorCode(client.ModifyDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId, ParamList: [{ Name: name, ExpectedValue: value }] }));
    assert.equal(code, 'InvalidParameterValue.InvalidParameterValueError', JSON.stringify([name, value]));
  }
  assert.deepEqual(confFiles(m), before);

  // Quotes and backslashes inside a value the syntax allows (quoted schema names) are written escaped:
  // one more line in pgcloud.conf, and the server reads back exactly the value.
  const tricky = String.raw`"it's", "back\slash", "two""quotes", public`;
  await modify(m, { search_path: tricky });
  assert.equal(await show(m, 'search_path'), tricky);
  assert.equal(await current(m, 'search_path'), tricky);
  const after = confFiles(m);
  assert.equal(after['postgresql.conf'], before['postgresql.conf']);
  assert.equal(after['postgresql.auto.conf'], before['postgresql.auto.conf']);
  const added = after['pgcloud.conf']!.split('\n').filter((l) => !before['pgcloud.conf']!.split('\n').includes(l));
  assert.deepEqual(added, [String.raw`search_path = '"it''s", "back\\slash", "two""quotes", public'`]);
  // Template fields are never written to a server, and are checked too.
  assert.equal(await errorCode(client.CreateParameterTemplate({ TemplateName: 'a\nb', DBMajorVersion: m, DBEngine: 'postgresql' })), 'InvalidParameterValue.ParameterCharacterError');
  assert.equal(await errorCode(client.CreateParameterTemplate({ TemplateName: 'ok', TemplateDescription: "x'\ninclude", DBMajorVersion: m, DBEngine: 'postgresql' })), 'InvalidParameterValue.ParameterCharacterError');
  const TemplateId = (await client.CreateParameterTemplate({ TemplateName: 'inject', DBMajorVersion: m, DBEngine: 'postgresql' })).TemplateId!;
  assert.equal(await errorCode(client.ModifyParameterTemplate({ TemplateId, ModifyParamEntrySet: [{ Name: 'search_path', ExpectedValue: "public\ninclude '/etc/passwd'" }] })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.ModifyParameterTemplate({ TemplateId, ModifyParamEntrySet: [{ Name: 'include', ExpectedValue: '/etc/passwd' }] })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal((await client.DescribeParameterTemplateAttributes({ TemplateId })).TotalCount, 0);
  await client.DeleteParameterTemplate({ TemplateId });
  await modify(m, { search_path: '"$user", public' });
});

test('a reload-only change does not restart the server; a restart-only one restarts it', async () => {
  for (const m of ['10', '18']) {
    // Set behind pgcloud's back (as ALTER SYSTEM would): CurrentValue is what the server runs with,
    // neither the default (1000) nor anything asked through the API.
    const auto = path.join(svc.dataDir, 'engine', 'instances', inst[m].DBInstanceId, 'data', 'postgresql.auto.conf');
    const autoBefore = fs.readFileSync(auto, 'utf8');
    fs.appendFileSync(auto, "deadlock_timeout = '1234'\n");
    const started = await startTime(m);
    const taskId = await modify(m, { statement_timeout: '4321', log_min_duration_statement: '250', enable_seqscan: 'off', random_page_cost: '1.5', log_connections: m === '18' ? 'receipt, authentication' : 'on' });
    assert.equal(await show(m, 'log_connections'), m === '18' ? 'receipt,authentication' : 'on');
    assert.equal(await show(m, 'statement_timeout'), '4321ms');
    assert.equal(await show(m, 'log_min_duration_statement'), '250ms');
    assert.equal(await show(m, 'enable_seqscan'), 'off');
    assert.equal(await show(m, 'random_page_cost'), '1.5');
    assert.equal(await startTime(m), started, `PostgreSQL ${m}: a reload-only change restarted the server`);
    assert.equal(await current(m, 'statement_timeout'), '4321');
    assert.equal(await current(m, 'deadlock_timeout'), '1234');
    fs.writeFileSync(auto, autoBefore);
    assert.equal(await current(m, 'enable_seqscan'), 'off');
    const task = (await client.DescribeTasks({ TaskId: taskId })).TaskSet![0]!;
    assert.equal(task.TaskType, 'ModifyInstanceParams');
    assert.equal(task.Status, 'Success');
    const ev = (await client.DescribeParamsEvent({ DBInstanceId: inst[m].DBInstanceId })).EventItems!.find((e) => e.ParamName === 'statement_timeout')!;
    assert.equal(ev.EventDetail!.at(-1)!.OldValue, '0');
    assert.equal(ev.EventDetail!.at(-1)!.NewValue, '4321');

    await modify(m, { max_prepared_transactions: '9', shared_buffers: '4096', max_connections: '150', shared_preload_libraries: 'pg_stat_statements, auto_explain' });
    assert.equal(await show(m, 'max_prepared_transactions'), '9');
    assert.equal(await show(m, 'shared_preload_libraries'), 'pg_stat_statements,auto_explain');
    assert.equal((await sql(m, "SELECT count(*)::int AS n FROM pg_settings WHERE name = 'pg_stat_statements.max'"))[0].n, 1, 'the library is loaded');
    assert.equal(await show(m, 'shared_buffers'), '32MB');
    assert.equal(await show(m, 'max_connections'), '150');
    assert.notEqual(await startTime(m), started, `PostgreSQL ${m}: a restart-only change did not restart the server`);
    assert.equal(await current(m, 'shared_buffers'), '4096');
    assert.equal(await current(m, 'deadlock_timeout'), '1000');
    // The earlier reload-only values survive the restart.
    assert.equal(await show(m, 'statement_timeout'), '4321ms');
  }
});

test('parameter templates: create, list with filters, paging and ordering, change, check per major, delete', async () => {
  const names = ['tpl-b', 'tpl-a', 'tpl-c'];
  const ids: string[] = [];
  for (const [i, n] of names.entries()) ids.push((await client.CreateParameterTemplate({ TemplateName: n, DBMajorVersion: i === 2 ? '18' : '13', DBEngine: 'postgresql', TemplateDescription: `template ${i}` })).TemplateId!);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const list = async (req: Record<string, unknown> = {}) => (await client.DescribeParameterTemplates(req)).ParameterTemplateSet!.filter((t) => ids.includes(t.TemplateId!)).map((t) => t.TemplateName);
  assert.deepEqual(await list(), ['tpl-c', 'tpl-a', 'tpl-b']); // newest first
  assert.deepEqual(await list({ OrderBy: 'TemplateName' }), ['tpl-a', 'tpl-b', 'tpl-c']);
  assert.deepEqual(await list({ OrderBy: 'TemplateName', OrderByType: 'desc' }), ['tpl-c', 'tpl-b', 'tpl-a']);
  assert.deepEqual(await list({ OrderBy: 'CreateTime' }), ['tpl-b', 'tpl-a', 'tpl-c']);
  assert.deepEqual(await list({ OrderBy: 'DBMajorVersion', OrderByType: 'desc' }), ['tpl-c', 'tpl-a', 'tpl-b']);
  assert.deepEqual(await list({ Filters: [{ Name: 'DBMajorVersion', Values: ['13'] }] }), ['tpl-a', 'tpl-b']);
  assert.deepEqual(await list({ Filters: [{ Name: 'TemplateName', Values: ['tpl-a', 'tpl-c'] }, { Name: 'DBEngine', Values: ['postgresql'] }] }), ['tpl-c', 'tpl-a']);
  assert.deepEqual(await list({ Filters: [{ Name: 'TemplateName', Values: ['tpl'] }] }), []); // no fuzzy match
  assert.deepEqual(await list({ Filters: [{ Name: 'TemplateId', Values: [ids[1]!] }] }), ['tpl-a']);
  const page = await client.DescribeParameterTemplates({ Limit: 1, Offset: 1, OrderBy: 'CreateTime' });
  assert.equal(page.TotalCount, 3);
  assert.equal(page.ParameterTemplateSet!.length, 1);
  assert.equal(page.ParameterTemplateSet![0]!.TemplateName, 'tpl-a');
  const one = page.ParameterTemplateSet![0]!;
  assert.deepEqual(one, { TemplateId: ids[1], TemplateName: 'tpl-a', DBMajorVersion: '13', DBEngine: 'postgresql', TemplateDescription: 'template 1' });
  assert.equal(await errorCode(client.DescribeParameterTemplates({ Filters: [{ Name: 'Owner', Values: ['x'] }] })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.DescribeParameterTemplates({ Limit: 101 })), 'InvalidParameterValue.ParameterOutRangeError');
  assert.equal(await errorCode(client.DescribeParameterTemplates({ OrderBy: 'Size' })), 'InvalidParameterValue.InvalidParameterValueError');
  // Another region sees none of them.
  assert.equal((await postgresClient(svc, 'ap-shanghai').DescribeParameterTemplates({})).TotalCount, 0);

  // Create's own checks.
  assert.equal(await errorCode(client.CreateParameterTemplate({ TemplateName: '', DBMajorVersion: '13', DBEngine: 'postgresql' })), 'InvalidParameterValue.ParameterLengthLimitError');
  assert.equal(await errorCode(client.CreateParameterTemplate({ TemplateName: 'x'.repeat(61), DBMajorVersion: '13', DBEngine: 'postgresql' })), 'InvalidParameterValue.ParameterLengthLimitError');
  assert.equal(await errorCode(client.CreateParameterTemplate({ TemplateName: 'a b', DBMajorVersion: '13', DBEngine: 'postgresql' })), 'InvalidParameterValue.ParameterCharacterError');
  assert.equal(await errorCode(client.CreateParameterTemplate({ TemplateName: 'ok', DBMajorVersion: '8', DBEngine: 'postgresql' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.CreateParameterTemplate({ TemplateName: 'ok', DBMajorVersion: '13', DBEngine: 'oracle' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.ok((await client.CreateParameterTemplate({ TemplateName: '模板_1-(a)[b]+=:@./（）：', DBMajorVersion: '13', DBEngine: 'postgresql' })).TemplateId);

  // Parameters: added, changed and removed; values kept as given; checked for the template's major.
  const [b, a, c] = ids as [string, string, string];
  await client.ModifyParameterTemplate({ TemplateId: a, ModifyParamEntrySet: [{ Name: 'lock_timeout', ExpectedValue: '60' }, { Name: 'timezone', ExpectedValue: 'PRC' }, { Name: 'array_nulls', ExpectedValue: 'off' }] });
  await client.ModifyParameterTemplate({ TemplateId: a, TemplateName: 'tpl-a2', ModifyParamEntrySet: [{ Name: 'lock_timeout', ExpectedValue: '90' }], DeleteParamSet: ['array_nulls'] });
  let attrs = await client.DescribeParameterTemplateAttributes({ TemplateId: a });
  assert.equal(attrs.TemplateName, 'tpl-a2');
  assert.equal(attrs.TemplateDescription, 'template 1'); // kept when not given
  assert.equal(attrs.DBMajorVersion, '13');
  assert.equal(attrs.DBEngine, 'postgresql');
  assert.equal(attrs.TotalCount, 2);
  assert.deepEqual(Object.fromEntries(attrs.ParamInfoSet!.map((p) => [p.Name, p.CurrentValue])), { lock_timeout: '90', timezone: 'PRC' });
  const lt = attrs.ParamInfoSet!.find((p) => p.Name === 'lock_timeout')!;
  assert.equal(lt.DefaultValue, '0');
  assert.equal(lt.Unit, 'ms');
  await client.ModifyParameterTemplate({ TemplateId: a, TemplateDescription: '' });
  assert.equal((await client.DescribeParameterTemplateAttributes({ TemplateId: a })).TemplateDescription, '');
  assert.equal(await errorCode(client.ModifyParameterTemplate({ TemplateId: a, ModifyParamEntrySet: [{ Name: 'lock_timeout', ExpectedValue: '1' }], DeleteParamSet: ['lock_timeout'] })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.ModifyParameterTemplate({ TemplateId: a, ModifyParamEntrySet: [{ Name: 'event_triggers', ExpectedValue: 'on' }] })), 'InvalidParameterValue.InvalidParameterValueError'); // 17+
  assert.equal(await errorCode(client.ModifyParameterTemplate({ TemplateId: a, ModifyParamEntrySet: [{ Name: 'lock_timeout', ExpectedValue: '-5' }] })), 'InvalidParameterValue.ParameterOutOfRange');
  assert.equal(await errorCode(client.ModifyParameterTemplate({ TemplateId: a, TemplateName: 'bad\tname' })), 'InvalidParameterValue.ParameterCharacterError');
  await client.ModifyParameterTemplate({ TemplateId: c, ModifyParamEntrySet: [{ Name: 'event_triggers', ExpectedValue: 'on' }, { Name: 'enable_group_by_reordering', ExpectedValue: 'off' }] });
  assert.equal((await client.DescribeParameterTemplateAttributes({ TemplateId: c })).TotalCount, 2);
  // A refused change leaves the template as it was.
  attrs = await client.DescribeParameterTemplateAttributes({ TemplateId: a });
  assert.deepEqual(Object.fromEntries(attrs.ParamInfoSet!.map((p) => [p.Name, p.CurrentValue])), { lock_timeout: '90', timezone: 'PRC' });

  for (const id of [b, c]) await client.DeleteParameterTemplate({ TemplateId: id });
  assert.equal(await errorCode(client.DeleteParameterTemplate({ TemplateId: b })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.DescribeParameterTemplateAttributes({ TemplateId: b })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.ModifyParameterTemplate({ TemplateId: b, TemplateName: 'x' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.deepEqual(await list(), ['tpl-a2']);
});

test('a template applied to a running instance as the provider applies it: its values in SHOW; deleting it changes nothing', async () => {
  const m = '13';
  const TemplateId = (await client.CreateParameterTemplate({ TemplateName: 'apply-13', DBMajorVersion: m, DBEngine: 'postgresql' })).TemplateId!;
  await client.ModifyParameterTemplate({
    TemplateId,
    ModifyParamEntrySet: [
      { Name: 'lock_timeout', ExpectedValue: '7000' },
      { Name: 'timezone', ExpectedValue: 'Asia/Shanghai' },
      { Name: 'lc_time', ExpectedValue: 'POSIX' },
      { Name: 'vacuum_freeze_table_age', ExpectedValue: '160000000' },
      { Name: 'max_locks_per_transaction', ExpectedValue: '128' },
    ],
  });
  // tencentcloud_postgresql_apply_parameter_template_operation: the template's values that differ from
  // the instance's current ones, through ModifyDBInstanceParameters.
  const applyTemplate = async () => {
    const current = new Map((await client.DescribeDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId })).Detail!.map((p) => [p.Name, p.CurrentValue]));
    const tpl = await client.DescribeParameterTemplateAttributes({ TemplateId });
    const diff = tpl.ParamInfoSet!.filter((p) => current.get(p.Name) !== p.CurrentValue).map((p) => ({ Name: p.Name!, ExpectedValue: p.CurrentValue! }));
    // The Go SDK leaves an empty list out of the request.
    const req = { DBInstanceId: inst[m].DBInstanceId, ...(diff.length ? { ParamList: diff } : {}) } as Parameters<PostgresClient['ModifyDBInstanceParameters']>[0];
    const { TaskId } = await client.ModifyDBInstanceParameters(req);
    await applied(m);
    return { diff, TaskId };
  };
  const started = await startTime(m);
  const first = await applyTemplate();
  assert.equal(first.diff.length, 5);
  assert.equal(await show(m, 'lock_timeout'), '7s');
  assert.equal(await show(m, 'timezone'), 'Asia/Shanghai');
  assert.equal(await show(m, 'lc_time'), 'POSIX');
  assert.equal(await show(m, 'vacuum_freeze_table_age'), '160000000');
  assert.equal(await show(m, 'max_locks_per_transaction'), '128');
  assert.notEqual(await startTime(m), started); // max_locks_per_transaction needs a restart
  // Applied again: nothing differs, the provider sends no ParamList; a task done at once, no restart.
  const restarted = await startTime(m);
  const again = await applyTemplate();
  assert.equal(again.diff.length, 0);
  assert.equal((await client.DescribeTasks({ TaskId: again.TaskId })).TaskSet![0]!.Status, 'Success');
  assert.equal(await startTime(m), restarted);
  // Deleting the template leaves the instance as it is: nothing ties the instance to it.
  await client.DeleteParameterTemplate({ TemplateId });
  assert.equal(await show(m, 'lock_timeout'), '7s');
  assert.equal(await current(m, 'timezone'), 'Asia/Shanghai');
  // A template of another major cannot be applied where its parameters do not exist.
  const t18 = (await client.CreateParameterTemplate({ TemplateName: 'only-18', DBMajorVersion: '18', DBEngine: 'postgresql' })).TemplateId!;
  await client.ModifyParameterTemplate({ TemplateId: t18, ModifyParamEntrySet: [{ Name: 'event_triggers', ExpectedValue: 'off' }] });
  const p18 = (await client.DescribeParameterTemplateAttributes({ TemplateId: t18 })).ParamInfoSet!;
  assert.equal(await errorCode(client.ModifyDBInstanceParameters({ DBInstanceId: inst[m].DBInstanceId, ParamList: p18.map((p) => ({ Name: p.Name!, ExpectedValue: p.CurrentValue! })) })), 'InvalidParameterValue.InvalidParameterValueError');
});
