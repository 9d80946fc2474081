// A PREPAID instance with a backup_plan, driven by the real provider through its life: the backup
// plans (weekly, then a monthly one too), a renewal, a restart, isolation and its reversal by the
// operation resources, and destroy. Each step: apply, a plan without changes, and its effect checked
// on the server (login, postmaster start time, servers stopped) and in the API and the ledger.
import assert from 'node:assert/strict';
import { terraformSuite, resourceValues } from './support/terraform.ts';
import { TF_PASSWORD, assertInstanceGone, defaultNetwork, postgresInstance, queryAs, serversOf } from './support/terraform-postgres.ts';
import { ledger } from './support/billing.ts';

const tf = terraformSuite('a PREPAID instance: backup plans, renew, restart, isolate, disisolate');

const MONTH_PRICE = 2 * 8800 + 10 * 100; // cdb.pg.z1.2g with 10 GB, a month (README "Billing")

const instance = (o: { monthly: boolean; renew?: boolean; restart?: boolean }) => `
${defaultNetwork()}

${postgresInstance('pg', { name: 'tf-prepaid', db_major_version: '15', charge_type: 'PREPAID', period: 1, auto_renew_flag: 0 }, `
  backup_plan {
    min_backup_start_time        = "01:10:11"
    max_backup_start_time        = "02:10:11"
${
  o.monthly
    ? `    base_backup_retention_period    = 14
    backup_period                   = ["tuesday", "saturday"]
    monthly_backup_period           = ["1", "15"]
    monthly_backup_retention_period = 30`
    : `    base_backup_retention_period = 7
    backup_period                = ["monday", "wednesday", "friday"]`
}
  }
`)}
${
  o.renew
    ? `
resource "tencentcloud_postgresql_renew_db_instance_operation" "renew" {
  db_instance_id = tencentcloud_postgresql_instance.pg.id
  period         = 2
}`
    : ''
}
${
  o.restart
    ? `
resource "tencentcloud_postgresql_restart_db_instance_operation" "restart" {
  db_instance_id = tencentcloud_postgresql_instance.pg.id
}`
    : ''
}
`;

/** Months between two API times ("YYYY-MM-DD hh:mm:ss"), whole. */
const monthsBetween = (a: string, b: string) => {
  const [x, y] = [a, b].map((t) => new Date(t.replace(' ', 'T') + 'Z'));
  return (y!.getUTCFullYear() - x!.getUTCFullYear()) * 12 + (y!.getUTCMonth() - x!.getUTCMonth());
};

tf.test('PREPAID with backup_plan; renew, restart; isolate and disisolate from another configuration; destroy', async () => {
  const ws = await tf.workspace('prepaid');
  let state = await ws.applyClean(instance({ monthly: false }));
  let pg = resourceValues(state, 'tencentcloud_postgresql_instance.pg');
  const id: string = pg.id;
  let api = (await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!;
  assert.deepEqual([pg.charge_type, api.PayType, api.AutoRenew, pg.auto_renew_flag], ['PREPAID', 'prepaid', 0, 0]);
  assert.equal(monthsBetween(api.CreateTime!, api.ExpireTime!), 1);
  const charges = () => ledger(tf.svc.dataDir).filter((e) => e.instance_id === id && e.kind === 'charge').map((e) => e.amount);
  assert.deepEqual(charges(), [-MONTH_PRICE], 'one month was paid at creation');
  assert.equal((await queryAs(pg, 'root', TF_PASSWORD, 'SELECT 1 AS one'))[0].one, 1);

  // The weekly plan is the instance's default plan.
  const plans = async () => (await tf.pgc.DescribeBackupPlans({ DBInstanceId: id })).Plans!;
  let [weekly, ...others] = await plans();
  assert.equal(others.length, 0);
  assert.deepEqual(
    [weekly!.BackupPeriodType, JSON.parse(weekly!.BackupPeriod!), weekly!.BaseBackupRetentionPeriod, weekly!.MinBackupStartTime, weekly!.MaxBackupStartTime],
    ['week', ['monday', 'wednesday', 'friday'], 7, '01:10:11', '02:10:11'],
  );

  // Another week and retention, and a monthly plan besides (CreateBackupPlan).
  state = await ws.applyClean(instance({ monthly: true }));
  pg = resourceValues(state, 'tencentcloud_postgresql_instance.pg');
  const byType = Object.fromEntries((await plans()).map((p) => [p.BackupPeriodType, p]));
  assert.deepEqual([JSON.parse(byType.week!.BackupPeriod!), byType.week!.BaseBackupRetentionPeriod], [['tuesday', 'saturday'], 14]);
  assert.deepEqual([JSON.parse(byType.month!.BackupPeriod!), byType.month!.BaseBackupRetentionPeriod, byType.month!.PlanName], [['1', '15'], 30, 'custom_month']);
  assert.equal(pg.backup_plan[0].monthly_plan_id, byType.month!.PlanId);

  // Renewed for two months: ExpireTime moves two months on, and two months are charged.
  const expireBefore = api.ExpireTime!;
  state = await ws.applyClean(instance({ monthly: true, renew: true }));
  api = (await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!;
  assert.equal(monthsBetween(expireBefore, api.ExpireTime!), 2);
  assert.deepEqual(charges(), [-MONTH_PRICE, -2 * MONTH_PRICE]);
  assert.equal(api.DBInstanceStatus, 'running');

  // Restarted: the same server answers, with a new start time.
  const startTime = async () => (await queryAs(pg, 'root', TF_PASSWORD, 'SELECT pg_postmaster_start_time()::text AS t'))[0].t as string;
  const started = await startTime();
  state = await ws.applyClean(instance({ monthly: true, renew: true, restart: true }));
  assert.ok(ws.applyCalls.some((c) => c.action === 'RestartDBInstance'));
  assert.notEqual(await startTime(), started);

  // Isolation by the operation resource, in a configuration of its own: the provider reads an
  // isolated instance as gone, so in the instance's own configuration the next plan would create it
  // again. The servers stop; the instance's configuration wants a new instance meanwhile.
  const ops = await tf.workspace('operations');
  await ops.applyClean(`
resource "tencentcloud_postgresql_isolate_db_instance_operation" "isolate" {
  db_instance_id_set = ["${id}"]
}
`);
  api = (await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!;
  assert.equal(api.DBInstanceStatus, 'isolated');
  const deadline = Date.now() + 60_000;
  while (serversOf(tf.svc, id).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(serversOf(tf.svc, id), [], 'an isolated instance runs no server');
  assert.equal((await ws.plan()).changes, true);

  // Back from isolation: running, the same data; isolated with paid time left, it comes back on that
  // time (pgcloud refunds nothing at isolation, so it charges nothing here; an expired one buys `period`).
  await ops.applyClean(`
resource "tencentcloud_postgresql_disisolate_db_instance_operation" "disisolate" {
  db_instance_id_set = ["${id}"]
  period             = 1
  auto_voucher       = false
}
`);
  assert.equal((await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!.DBInstanceStatus, 'running');
  assert.equal((await queryAs(pg, 'root', TF_PASSWORD, 'SELECT 1 AS one'))[0].one, 1);
  await ws.assertNoChanges();
  await ops.destroyClean();

  await ws.destroyClean();
  await assertInstanceGone(tf.svc, tf.pgc, id);
});
