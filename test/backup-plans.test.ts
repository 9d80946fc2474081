// Backup plans through the official SDK against a real `pgcloud serve`: every instance has its default
// plan from its creation (and an instance made before plans existed gets one when the store is
// migrated), DescribeBackupPlans answers it as the real service and Terraform read it, and
// Create/Modify/DeleteBackupPlan change exactly what they are asked to, refusing bad input with the
// documented codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { startService, type TestService } from './support/service.ts';
import { createRequest, errorCode, postgresClient, waitForStatus, type PostgresClient } from './support/sdk.ts';

let svc: TestService;
let client: PostgresClient;
let id: string;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '16' } });
  client = postgresClient(svc);
  const res = await client.CreateInstances(createRequest({ DBMajorVersion: '16' }));
  id = res.DBInstanceIdSet![0]!;
});
after(async () => {
  await svc?.cleanup();
});

const plans = async (instance = id) => (await client.DescribeBackupPlans({ DBInstanceId: instance })).Plans!;
const seconds = (hms: string) => hms.split(':').reduce((s, part) => s * 60 + Number(part), 0);

test('a new instance has its default plan from the moment CreateInstances returns', async () => {
  const [plan, ...more] = await plans();
  assert.equal(more.length, 0);
  assert.equal(plan!.PlanType, 'default');
  assert.equal(plan!.PlanName, 'default');
  assert.equal(plan!.BackupPeriodType, 'week');
  assert.equal(plan!.BackupMethod, 'physical');
  // BackupPeriod is a JSON text of the weekdays, as the real service and Terraform have it.
  assert.equal(plan!.BackupPeriod, '["monday","tuesday","wednesday","thursday","friday","saturday","sunday"]');
  assert.equal(plan!.BaseBackupRetentionPeriod, 7);
  assert.equal(plan!.LogBackupRetentionPeriod, 7);
  assert.match(plan!.MinBackupStartTime!, /^0[12]:[0-5]\d:[0-5]\d$/);
  assert.equal(seconds(plan!.MaxBackupStartTime!) - seconds(plan!.MinBackupStartTime!), 4 * 3600);
  assert.match(plan!.PlanId!, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(plan!.CreatedTime!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  // The same plan, read again, is the same (the id is the instance's, not drawn per read).
  assert.deepEqual((await plans())[0], plan);
  await waitForStatus(client, id, 'running');
});

test('ModifyBackupPlan changes the default plan: the fields given, in the order given, nothing else', async () => {
  const before = (await plans())[0]!;
  await client.ModifyBackupPlan({ DBInstanceId: id, BackupPeriod: ['wednesday', 'monday', 'monday'], MinBackupStartTime: '01:00:00', MaxBackupStartTime: '02:00:00', BaseBackupRetentionPeriod: 10 });
  const after = (await plans())[0]!;
  assert.equal(after.PlanId, before.PlanId);
  assert.equal(after.BackupPeriod, '["wednesday","monday"]');
  assert.equal(after.MinBackupStartTime, '01:00:00');
  assert.equal(after.MaxBackupStartTime, '02:00:00');
  assert.equal(after.BaseBackupRetentionPeriod, 10);
  assert.equal(after.LogBackupRetentionPeriod, 7);
  // Only the retention: the rest stays.
  await client.ModifyBackupPlan({ DBInstanceId: id, BaseBackupRetentionPeriod: 7 });
  const again = (await plans())[0]!;
  assert.equal(again.BackupPeriod, '["wednesday","monday"]');
  assert.equal(again.MinBackupStartTime, '01:00:00');
  assert.equal(again.BaseBackupRetentionPeriod, 7);
});

test('ModifyBackupPlan refuses bad values with the documented codes and changes nothing', async () => {
  const before = await plans();
  const bad = 'InvalidParameterValue.InvalidParameterValueError';
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, BackupPeriod: ['monday'] })), bad); // at least two days
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, BackupPeriod: ['Monday', 'tuesday'] })), bad);
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, BackupPeriod: ['1', '2'] })), bad); // days of the month on a weekly plan
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, MinBackupStartTime: '25:00:00' })), bad);
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, MaxBackupStartTime: '1:00' })), bad);
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, BaseBackupRetentionPeriod: 6 })), bad);
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, BaseBackupRetentionPeriod: 1831 })), bad);
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, LogBackupRetentionPeriod: 2000 })), bad);
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, BackupMethod: 'logical' })), 'UnsupportedOperation');
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, PlanId: '00000000-0000-5000-8000-000000000000', BaseBackupRetentionPeriod: 8 })), 'InvalidParameter.ParameterCheckError');
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: 'postgres-nothere1', BaseBackupRetentionPeriod: 8 })), 'ResourceNotFound.InstanceNotFoundError');
  assert.deepEqual(await plans(), before);
});

test('CreateBackupPlan adds a monthly plan beside the default one; Modify and Delete act on it alone', async () => {
  const { PlanId } = await client.CreateBackupPlan({ DBInstanceId: id, PlanName: 'custom_month', BackupPeriodType: 'month', BackupPeriod: ['1', '2'], BaseBackupRetentionPeriod: 40 });
  assert.match(PlanId!, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  let list = await plans();
  assert.deepEqual(list.map((p) => [p.PlanType, p.BackupPeriodType]), [['default', 'week'], ['custom', 'month']]);
  const monthly = list[1]!;
  assert.equal(monthly.PlanId, PlanId);
  assert.equal(monthly.PlanName, 'custom_month');
  assert.equal(monthly.BackupPeriod, '["1","2"]');
  assert.equal(monthly.BaseBackupRetentionPeriod, 40);
  // Times not given follow the default plan's.
  assert.equal(monthly.MinBackupStartTime, list[0]!.MinBackupStartTime);
  assert.equal(monthly.MaxBackupStartTime, list[0]!.MaxBackupStartTime);

  const bad = 'InvalidParameterValue.InvalidParameterValueError';
  assert.equal(await errorCode(client.CreateBackupPlan({ DBInstanceId: id, PlanName: 'weekly', BackupPeriodType: 'week', BackupPeriod: ['monday', 'friday'] })), bad);
  assert.equal(await errorCode(client.CreateBackupPlan({ DBInstanceId: id, PlanName: 'd32', BackupPeriodType: 'month', BackupPeriod: ['32'] })), bad);
  assert.equal(await errorCode(client.CreateBackupPlan({ DBInstanceId: id, PlanName: 'custom_month', BackupPeriodType: 'month', BackupPeriod: ['3'] })), bad);
  assert.equal(await errorCode(client.CreateBackupPlan({ DBInstanceId: id, PlanName: 'x'.repeat(61), BackupPeriodType: 'month', BackupPeriod: ['3'] })), 'InvalidParameterValue.ParameterLengthLimitError');
  assert.equal(await errorCode(client.CreateBackupPlan({ DBInstanceId: id, PlanName: 'r', BackupPeriodType: 'month', BackupPeriod: ['3'], BaseBackupRetentionPeriod: 30000 })), bad);
  assert.equal((await plans()).length, 2);

  // The monthly plan by its id; a weekday is not a day of the month.
  await client.ModifyBackupPlan({ DBInstanceId: id, PlanId, BackupPeriod: ['15'], MinBackupStartTime: '03:00:00', MaxBackupStartTime: '04:00:00', PlanName: 'mid_month' });
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, PlanId, BackupPeriod: ['monday', 'tuesday'] })), bad);
  list = await plans();
  assert.equal(list[1]!.BackupPeriod, '["15"]');
  assert.equal(list[1]!.PlanName, 'mid_month');
  assert.equal(list[1]!.MinBackupStartTime, '03:00:00');
  assert.equal(list[0]!.MinBackupStartTime, '01:00:00', 'the default plan is untouched');
  // The WAL retention is the instance's: set on one plan, it is every plan's.
  await client.ModifyBackupPlan({ DBInstanceId: id, LogBackupRetentionPeriod: 14 });
  assert.deepEqual((await plans()).map((p) => p.LogBackupRetentionPeriod), [14, 14]);

  assert.equal(await errorCode(client.DeleteBackupPlan({ DBInstanceId: id, PlanId: list[0]!.PlanId! })), 'InvalidParameter.ParameterCheckError');
  assert.equal(await errorCode(client.DeleteBackupPlan({ DBInstanceId: id, PlanId: '00000000-0000-5000-8000-000000000000' })), 'InvalidParameter.ParameterCheckError');
  await client.DeleteBackupPlan({ DBInstanceId: id, PlanId: PlanId! });
  assert.deepEqual((await plans()).map((p) => p.PlanType), ['default']);
});

test('an instance made before backup plans existed gets its default plan when the store is migrated', async () => {
  const res = await client.CreateInstances(createRequest({ DBMajorVersion: '16' }));
  const old = res.DBInstanceIdSet![0]!;
  const expected = (await plans(old))[0]!;
  await svc.stop();
  // The store as an earlier pgcloud left it: no plans table, migration 010 not applied.
  const db = new SQLite(path.join(svc.dataDir, 'pgcloud.db'));
  db.exec("DROP TABLE backup_plans; DELETE FROM kysely_migration WHERE name = '010_backup_plans'");
  db.close();
  await svc.restart();
  const [plan, ...more] = await plans(old);
  assert.equal(more.length, 0);
  assert.equal(plan!.PlanId, expected.PlanId);
  assert.equal(plan!.BackupPeriod, expected.BackupPeriod);
  assert.equal(plan!.MinBackupStartTime, expected.MinBackupStartTime);
  assert.equal((await plans(id))[0]!.PlanType, 'default');
});

test('an isolated instance keeps its plans readable; changing them is refused', async () => {
  await waitForStatus(client, id, 'running');
  await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
  await waitForStatus(client, id, 'isolated');
  assert.equal((await plans()).length, 1);
  assert.equal(await errorCode(client.ModifyBackupPlan({ DBInstanceId: id, BaseBackupRetentionPeriod: 8 })), 'OperationDenied.InstanceStatusLimitOpError');
  assert.equal(await errorCode(client.CreateBackupPlan({ DBInstanceId: id, PlanName: 'p', BackupPeriodType: 'month', BackupPeriod: ['1'] })), 'OperationDenied.InstanceStatusLimitOpError');
});
