// Account privileges end to end: ModifyAccountPrivileges is real GRANT/REVOKE on databases, schemas,
// tables, views and sequences (names with quotes and semicolons included), DescribeAccountPrivileges
// reads them back from the server's catalog, DescribeDatabaseObjects lists the objects the tenant made
// with its own SQL; a real login of the account is allowed or refused (SQLSTATE 42501) accordingly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, waitForStatus, login, PASSWORD, type PostgresClient } from './support/sdk.ts';
import { waitFor } from './support/processes.ts';

const READER_PW = 'Reader#2026pw';
const WEIRD_SCHEMA = 'we"ird';
const WEIRD_TABLE = 'Tab; DROP TABLE sales.orders; --';
let svc: TestService;
let client: PostgresClient;
let inst: any;
let id: string;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '15' } });
  client = postgresClient(svc);
  const res = await client.CreateInstances(createRequest({ DBMajorVersion: '15' }));
  id = res.DBInstanceIdSet![0]!;
  inst = await waitForStatus(client, id, 'running');
  await client.CreateAccount({ DBInstanceId: id, UserName: 'app_reader', Type: 'normal', Password: READER_PW });
  await client.CreateDatabase({ DBInstanceId: id, DatabaseName: 'appdb', DatabaseOwner: 'dbadmin' });
  await waitFor('app_reader can log in to appdb', async () => {
    const c = await login(inst, 'app_reader', READER_PW, 'appdb');
    await c.end();
    return true;
  }, 60_000);
  // The tenant's own objects, made with SQL as the admin.
  const admin = await login(inst, 'dbadmin', PASSWORD, 'appdb');
  try {
    await admin.query(`
      CREATE SCHEMA sales;
      CREATE TABLE sales.orders (id int PRIMARY KEY, amount numeric NOT NULL);
      INSERT INTO sales.orders VALUES (1, 10), (2, 20), (3, 30);
      CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE amount >= 20;
      CREATE MATERIALIZED VIEW sales.totals AS SELECT sum(amount) AS total FROM sales.orders;
      CREATE SEQUENCE sales.invoice_no;
      CREATE SCHEMA "we""ird";
      CREATE TABLE "we""ird"."Tab; DROP TABLE sales.orders; --" (x int);
      INSERT INTO "we""ird"."Tab; DROP TABLE sales.orders; --" VALUES (7), (8);
    `);
  } finally {
    await admin.end();
  }
});
after(async () => {
  await svc?.cleanup();
});

/** Runs sql as app_reader in appdb: its rows, or the SQLSTATE it was refused with. */
async function asReader(sql: string): Promise<{ rows?: any[]; code?: string }> {
  const c = await login(inst, 'app_reader', READER_PW, 'appdb');
  try {
    return { rows: (await c.query(sql)).rows };
  } catch (e: any) {
    return { code: e.code };
  } finally {
    await c.end();
  }
}

const obj = (ObjectType: string, ObjectName: string, SchemaName?: string, DatabaseName = 'appdb', TableName?: string) => ({ ObjectType, ObjectName, DatabaseName, SchemaName, TableName });

async function held(...objects: ReturnType<typeof obj>[]): Promise<string[][]> {
  const res = await client.DescribeAccountPrivileges({ DBInstanceId: id, UserName: 'app_reader', DatabaseObjectSet: objects });
  return res.PrivilegeSet!.map((p) => [...p.PrivilegeSet!].sort());
}

const change = (ModifyType: string, object: ReturnType<typeof obj>, PrivilegeSet: string[], IsCascade?: boolean) => ({ ModifyType, IsCascade, DatabasePrivilege: { Object: object, PrivilegeSet } });

async function modify(...changes: ReturnType<typeof change>[]): Promise<void> {
  await client.ModifyAccountPrivileges({ DBInstanceId: id, UserName: 'app_reader', ModifyPrivilegeSet: changes });
}

test('DescribeDatabaseObjects lists the objects made with SQL, in name order, paged', async () => {
  const list = (ObjectType: string, extra: Record<string, unknown> = {}) => client.DescribeDatabaseObjects({ DBInstanceId: id, ObjectType, ...extra });
  const dbs = await list('database', { Limit: 100 });
  assert.deepEqual(dbs.ObjectSet, ['appdb', 'postgres']);
  assert.equal(dbs.TotalCount, 2);
  const schemas = await list('schema', { DatabaseName: 'appdb' });
  assert.deepEqual(schemas.ObjectSet, ['public', 'sales', WEIRD_SCHEMA]);
  const page = await list('schema', { DatabaseName: 'appdb', Limit: 1, Offset: 1 });
  assert.deepEqual(page.ObjectSet, ['sales']);
  assert.equal(page.TotalCount, 3);
  const none = await list('schema', { DatabaseName: 'appdb', Limit: 0 });
  assert.deepEqual(none.ObjectSet, []);
  assert.equal(none.TotalCount, 3);
  assert.deepEqual((await list('table', { DatabaseName: 'appdb', SchemaName: 'sales' })).ObjectSet, ['orders']);
  assert.deepEqual((await list('view', { DatabaseName: 'appdb', SchemaName: 'sales' })).ObjectSet, ['big_orders']);
  assert.deepEqual((await list('matview', { DatabaseName: 'appdb', SchemaName: 'sales' })).ObjectSet, ['totals']);
  assert.deepEqual((await list('sequence', { DatabaseName: 'appdb', SchemaName: 'sales' })).ObjectSet, ['invoice_no']);
  assert.deepEqual((await list('column', { DatabaseName: 'appdb', SchemaName: 'sales', TableName: 'orders' })).ObjectSet, ['amount', 'id']);
  assert.deepEqual((await list('table', { DatabaseName: 'appdb', SchemaName: WEIRD_SCHEMA })).ObjectSet, [WEIRD_TABLE]);
  // Bad input: its code, never a 500.
  assert.equal(await errorCode(list('bogus', { DatabaseName: 'appdb' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(list('table', { DatabaseName: 'appdb' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(list('table', { DatabaseName: 'nodb', SchemaName: 'public' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(list('schema', { DatabaseName: 'template0' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(list('schema', { DatabaseName: 'appdb', Limit: 101 })), 'InvalidParameterValue.ParameterOutRangeError');
  assert.equal(await errorCode(client.DescribeDatabaseObjects({ DBInstanceId: 'postgres-nonexist', ObjectType: 'database' })), 'ResourceNotFound.InstanceNotFoundError');
});

test('GRANT and REVOKE on schema, table, view and sequence: the login is allowed or refused (42501) as Describe says', async () => {
  const schema = obj('schema', 'sales');
  const orders = obj('table', 'orders', 'sales');
  const view = obj('view', 'big_orders', 'sales');
  const seq = obj('sequence', 'invoice_no', 'sales');
  assert.deepEqual(await held(schema, orders, view, seq), [[], [], [], []]);
  assert.equal((await asReader('SELECT count(*) FROM sales.orders')).code, '42501');

  await modify(change('grantObject', schema, ['USAGE']), change('grantObject', orders, ['select']));
  assert.deepEqual(await held(schema, orders, view), [['USAGE'], ['SELECT'], []]);
  assert.deepEqual((await asReader('SELECT count(*)::int AS n, sum(amount)::int AS s FROM sales.orders')).rows, [{ n: 3, s: 60 }]);
  assert.equal((await asReader('INSERT INTO sales.orders VALUES (4, 40)')).code, '42501');
  assert.equal((await asReader('SELECT count(*) FROM sales.big_orders')).code, '42501');

  await modify(change('grantObject', view, ['SELECT']), change('grantObject', seq, ['USAGE']), change('grantObject', orders, ['INSERT', 'UPDATE']));
  assert.deepEqual(await held(orders, view, seq), [['INSERT', 'SELECT', 'UPDATE'], ['SELECT'], ['USAGE']]);
  assert.deepEqual((await asReader('SELECT count(*)::int AS n FROM sales.big_orders')).rows, [{ n: 2 }]);
  assert.deepEqual((await asReader("SELECT nextval('sales.invoice_no')::int AS v")).rows, [{ v: 1 }]);
  assert.deepEqual((await asReader('INSERT INTO sales.orders VALUES (4, 40) RETURNING id')).rows, [{ id: 4 }]);

  await modify(change('revokeObject', orders, ['SELECT', 'INSERT', 'UPDATE'], true));
  assert.deepEqual(await held(orders), [[]]);
  assert.equal((await asReader('SELECT count(*) FROM sales.orders')).code, '42501');
  // The view still reads the table as its owner: granted on the view alone, it answers.
  assert.deepEqual((await asReader('SELECT count(*)::int AS n FROM sales.big_orders')).rows, [{ n: 3 }]);
});

test('names with quotes and semicolons are identifiers, never SQL', async () => {
  await modify(change('grantObject', obj('schema', WEIRD_SCHEMA), ['USAGE']), change('grantObject', obj('table', WEIRD_TABLE, WEIRD_SCHEMA), ['SELECT']));
  assert.deepEqual(await held(obj('table', WEIRD_TABLE, WEIRD_SCHEMA)), [['SELECT']]);
  assert.deepEqual((await asReader('SELECT sum(x)::int AS s FROM "we""ird"."Tab; DROP TABLE sales.orders; --"')).rows, [{ s: 15 }]);
  // sales.orders is still there (4 rows), read as the admin.
  const admin = await login(inst, 'dbadmin', PASSWORD, 'appdb');
  try {
    assert.equal((await admin.query('SELECT count(*)::int AS n FROM sales.orders')).rows[0].n, 4);
  } finally {
    await admin.end();
  }
});

test('database privileges: CREATE granted lets the account make a schema; CONNECT stays through PUBLIC', async () => {
  const db = { ObjectType: 'database', ObjectName: 'appdb' } as any;
  assert.deepEqual(await held(db), [['CONNECT', 'TEMPORARY']]);
  assert.equal((await asReader('CREATE SCHEMA reader_own')).code, '42501');
  await modify(change('grantObject', db, ['CREATE']));
  assert.deepEqual(await held(db), [['CONNECT', 'CREATE', 'TEMPORARY']]);
  assert.deepEqual((await asReader('CREATE SCHEMA reader_own')).rows, []);
  // Revoking from the account what PUBLIC holds leaves it held: Describe says what is in effect.
  await modify(change('revokeObject', db, ['CREATE', 'CONNECT']));
  assert.deepEqual(await held(db), [['CONNECT', 'TEMPORARY']]);
});

test('bad requests are refused with their codes and change nothing', async () => {
  const orders = obj('table', 'orders', 'sales');
  const bad = (changes: unknown[], UserName = 'app_reader') => errorCode(client.ModifyAccountPrivileges({ DBInstanceId: id, UserName, ModifyPrivilegeSet: changes as any }));
  // One change names a table that does not exist: the other is not applied either.
  assert.equal(await bad([change('grantObject', orders, ['SELECT']), change('grantObject', obj('table', 'nope', 'sales'), ['SELECT'])]), 'InvalidParameterValue.InvalidParameterValueError');
  assert.deepEqual(await held(orders), [[]]);
  assert.equal((await asReader('SELECT 1 FROM sales.orders LIMIT 1')).code, '42501');
  assert.equal(await bad([change('grantObject', obj('schema', 'sales'), ['SELECT'])]), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad([change('grantObject', orders, ['SELECT; DROP TABLE sales.orders'])]), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad([change('grantObject', orders, [])]), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad([change('grantObjects', orders, ['SELECT'])]), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad([change('grantObject', obj('bogus', 'orders', 'sales'), ['SELECT'])]), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad([change('grantObject', obj('table', 'orders'), ['SELECT'])]), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad([change('grantObject', obj('table', 'x'.repeat(64), 'sales'), ['SELECT'])]), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad([change('grantObject', obj('table', 'orders', 'sales', 'nodb'), ['SELECT'])]), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad([]), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad(Array.from({ length: 51 }, () => change('grantObject', orders, ['SELECT']))), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad([change('grantObject', orders, ['SELECT'])], 'ghost'), 'InvalidParameterValue.AccountNotExist');
  assert.equal(await bad([change('grantRole', obj('account', 'app_reader'), [])]), 'UnsupportedOperation');
  assert.equal(await errorCode(client.DescribeAccountPrivileges({ DBInstanceId: id, UserName: 'app_reader', DatabaseObjectSet: [obj('table', 'nope', 'sales')] })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.deepEqual(await held(orders), [[]]);
});
