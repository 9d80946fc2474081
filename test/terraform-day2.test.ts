// The provider's day-2 resources against pgcloud, checked on the real server: tencentcloud_postgresql_
// instance_ssl_config (a verify-full login with the CA its ca_url downloads), _time_window (the window
// the SDK reads back), _account_privileges_operation (a real login of the account may then SELECT) and
// the _account_privileges data source (the privileges from the server's catalog); apply, a plan with
// no changes, an update, destroy.
import assert from 'node:assert/strict';
import tls from 'node:tls';
import pg from 'pg';
import { terraformSuite, resourceValues } from './support/terraform.ts';
import { createRequest, login, PASSWORD, waitForStatus } from './support/sdk.ts';
import { waitFor } from './support/processes.ts';

const tf = terraformSuite('postgresql day-2 operations', { env: { PGCLOUD_PREWARM: '16' } });
const READER_PW = 'Reader#2026pw';

const config = (id: string, ip: string, v: { ssl: boolean; duration: number }) => `
resource "tencentcloud_postgresql_instance_ssl_config" "ssl" {
  db_instance_id  = "${id}"
  ssl_enabled     = ${v.ssl}
  connect_address = "${ip}"
}

resource "tencentcloud_postgresql_time_window" "w" {
  db_instance_id      = "${id}"
  maintain_start_time = "04:00"
  maintain_duration   = ${v.duration}
  maintain_week_days  = ["monday", "wednesday", "friday"]
}

resource "tencentcloud_postgresql_account_privileges_operation" "grant" {
  db_instance_id = "${id}"
  user_name      = "reader"
  modify_privilege_set {
    database_privilege {
      object {
        object_type   = "schema"
        object_name   = "sales"
        database_name = "appdb"
      }
      privilege_set = ["USAGE"]
    }
    modify_type = "grantObject"
  }
  modify_privilege_set {
    database_privilege {
      object {
        object_type   = "table"
        object_name   = "orders"
        database_name = "appdb"
        schema_name   = "sales"
      }
      privilege_set = ["SELECT"]
    }
    modify_type = "grantObject"
  }
}

data "tencentcloud_postgresql_account_privileges" "p" {
  db_instance_id = "${id}"
  user_name      = "reader"
  database_object_set {
    object_type   = "table"
    object_name   = "orders"
    database_name = "appdb"
    schema_name   = "sales"
  }
  depends_on = [tencentcloud_postgresql_account_privileges_operation.grant]
}
`;

tf.test('SSL config, maintenance window, account privileges and their data source: apply, no changes, update, destroy', async () => {
  const pgc = tf.pgc;
  const id = (await pgc.CreateInstances(createRequest({ DBMajorVersion: '16', Name: 'tf-day2' }))).DBInstanceIdSet![0]!;
  const instance = await waitForStatus(pgc, id, 'running');
  const net = (instance.DBInstanceNetInfo as any[]).find((n) => n.NetType === 'private');
  await pgc.CreateAccount({ DBInstanceId: id, UserName: 'reader', Type: 'normal', Password: READER_PW });
  await pgc.CreateDatabase({ DBInstanceId: id, DatabaseName: 'appdb', DatabaseOwner: 'dbadmin' });
  await waitFor('the reader account and appdb', async () => {
    const c = await login(instance, 'reader', READER_PW, 'appdb');
    await c.end();
    return true;
  }, 60_000);
  const admin = await login(instance, 'dbadmin', PASSWORD, 'appdb');
  try {
    await admin.query('CREATE SCHEMA sales; CREATE TABLE sales.orders (id int); INSERT INTO sales.orders VALUES (1), (2)');
  } finally {
    await admin.end();
  }
  const readerSelect = async () => {
    const c = await login(instance, 'reader', READER_PW, 'appdb');
    try {
      return (await c.query('SELECT count(*)::int AS n FROM sales.orders')).rows[0].n as number;
    } catch (e: any) {
      return e.code as string;
    } finally {
      await c.end();
    }
  };
  assert.equal(await readerSelect(), '42501');

  const ws = await tf.workspace('day2');
  let state = await ws.applyClean(config(id, net.Ip, { ssl: true, duration: 2 }));
  // SSL: the CA from ca_url verifies the server's certificate for its address.
  const ssl = resourceValues(state, 'tencentcloud_postgresql_instance_ssl_config.ssl');
  assert.equal(ssl.ssl_enabled, true);
  assert.equal(ssl.connect_address, net.Ip);
  const ca = await (await fetch(ssl.ca_url as string)).text();
  const c = new pg.Client({ host: net.Ip, port: net.Port, user: 'dbadmin', password: PASSWORD, database: 'postgres', ssl: { ca, rejectUnauthorized: true, checkServerIdentity: (_h, cert) => tls.checkServerIdentity(net.Ip, cert) } });
  await c.connect();
  assert.equal((await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0].ssl, true);
  await c.end();
  // The window.
  const w = await pgc.DescribeMaintainTimeWindow({ DBInstanceId: id });
  assert.deepEqual([w.MaintainStartTime, w.MaintainDuration, w.MaintainWeekDays], ['04:00', 2, ['monday', 'wednesday', 'friday']]);
  // The grants: a real SELECT, and the data source from the catalog.
  assert.equal(await readerSelect(), 2);
  const p = resourceValues(state, 'data.tencentcloud_postgresql_account_privileges.p').privilege_set as any[];
  assert.deepEqual(p.map((x) => [x.object[0].object_type, x.object[0].object_name, [...x.privilege_set].sort()]), [['table', 'orders', ['SELECT']]]);

  // An update: SSL off (a required-TLS login is refused), a longer window.
  state = await ws.applyClean(config(id, net.Ip, { ssl: false, duration: 3 }));
  assert.equal(resourceValues(state, 'tencentcloud_postgresql_instance_ssl_config.ssl').ssl_enabled, false);
  const plain = new pg.Client({ host: net.Ip, port: net.Port, user: 'dbadmin', password: PASSWORD, database: 'postgres', ssl: { rejectUnauthorized: false } });
  plain.on('error', () => {});
  await assert.rejects(plain.connect(), /does not support SSL/);
  assert.equal((await pgc.DescribeMaintainTimeWindow({ DBInstanceId: id })).MaintainDuration, 3);

  await ws.destroyClean();
  // The provider's delete of these is a no-op: the server keeps what they made.
  assert.equal(await readerSelect(), 2);
});
