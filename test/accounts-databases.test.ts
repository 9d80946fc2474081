// Accounts and databases end to end through the official SDK against `pgcloud serve`, with real logins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { postgresClient, errorCode, waitForStatus, login, type PostgresClient } from './support/sdk.ts';

const PASSWORD = 'Pgcloud#2026pw';
const APP_PW = 'App#User2026x';
let svc: TestService;
let client: PostgresClient;
let inst: any;
let id: string;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '15' } });
  client = postgresClient(svc);
  const res = await client.CreateInstances({
    Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, Charset: 'UTF8',
    AdminName: 'root_admin', AdminPassword: PASSWORD, DBMajorVersion: '15', InstanceChargeType: 'POSTPAID_BY_HOUR',
  });
  id = res.DBInstanceIdSet![0]!;
  inst = await waitForStatus(client, id, 'running');
});
after(async () => {
  await svc?.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Until the account is settled: Status 2 (normal), or 5 for a locked one. */
async function accountSettled(name: string, status = 2): Promise<any> {
  for (let i = 0; i < 300; i++) {
    const { Details } = await client.DescribeAccounts({ DBInstanceId: id, Limit: 100 });
    const a = Details!.find((d) => d.UserName === name);
    if (a && a.Status === status) return a;
    await sleep(120);
  }
  throw new Error(`account ${name} did not settle`);
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await sleep(120);
  }
  throw new Error(`${what} did not happen`);
}

const canLogin = (user: string, password: string, database = 'postgres') =>
  login(inst, user, password, database).then(
    async (c) => {
      await c.end();
      return true;
    },
    () => false,
  );

test('accounts: create, describe (admin first), reset password, lock, unlock, remark, delete', async () => {
  await client.CreateAccount({ DBInstanceId: id, UserName: 'app_user', Type: 'normal', Password: APP_PW, Remark: 'app-1' });
  assert.equal(await errorCode(client.CreateAccount({ DBInstanceId: id, UserName: 'APP_USER', Type: 'normal', Password: APP_PW })), 'InvalidParameterValue.AccountExist');
  assert.equal(await errorCode(client.CreateAccount({ DBInstanceId: id, UserName: 'pg_bad', Type: 'normal', Password: APP_PW })), 'InvalidParameterValue.InvalidAccountNameError');
  assert.equal(await errorCode(client.CreateAccount({ DBInstanceId: id, UserName: 'weak', Type: 'normal', Password: 'password' })), 'InvalidParameterValue.InvalidPasswordValueError');
  assert.equal(await errorCode(client.CreateAccount({ DBInstanceId: id, UserName: 'x', Type: 'super', Password: APP_PW })), 'InvalidParameterValue.InvalidParameterValueError');
  const created = await accountSettled('app_user');
  assert.equal(created.UserType, 'normal');
  assert.equal(created.Remark, 'app-1');
  assert.ok(await canLogin('app_user', APP_PW));

  const asc = await client.DescribeAccounts({ DBInstanceId: id, OrderBy: 'createTime', OrderByType: 'asc' });
  assert.equal(asc.TotalCount, 2);
  const root = asc.Details![0]!;
  assert.equal(root.UserName, 'root_admin');
  assert.equal(root.UserType, 'tencentDBSuper');
  assert.equal(root.Status, 2);
  assert.equal(root.DBInstanceId, id);
  for (const k of ['CreateTime', 'UpdateTime', 'PasswordUpdateTime']) assert.match((root as any)[k], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.equal(root.OpenCam, false);
  assert.equal(JSON.stringify(asc).includes('SCRAM'), false);

  // A reset password works and the old one does not.
  const NEW_PW = 'Changed#Pass2026';
  await client.ResetAccountPassword({ DBInstanceId: id, UserName: 'app_user', Password: NEW_PW });
  await accountSettled('app_user');
  assert.ok(await canLogin('app_user', NEW_PW));
  assert.equal(await canLogin('app_user', APP_PW), false);
  assert.equal(await errorCode(client.ResetAccountPassword({ DBInstanceId: id, UserName: 'app_user', Password: 'short' })), 'InvalidParameterValue.InvalidPasswordLengthError');
  assert.equal(await errorCode(client.ResetAccountPassword({ DBInstanceId: id, UserName: 'nobody', Password: NEW_PW })), 'InvalidParameterValue.AccountNotExist');
  // The admin's password too.
  const ROOT_PW = 'Root#Changed2026';
  await client.ResetAccountPassword({ DBInstanceId: id, UserName: 'root_admin', Password: ROOT_PW });
  await accountSettled('root_admin');
  assert.ok(await canLogin('root_admin', ROOT_PW));
  assert.equal(await canLogin('root_admin', PASSWORD), false);

  // Locked: no login; unlocked: login again.
  await client.LockAccount({ DBInstanceId: id, UserName: 'app_user' });
  await accountSettled('app_user', 5);
  await eventually(async () => !(await canLogin('app_user', NEW_PW)), 'the lock');
  await client.UnlockAccount({ DBInstanceId: id, UserName: 'app_user' });
  await accountSettled('app_user');
  assert.ok(await canLogin('app_user', NEW_PW));

  await client.ModifyAccountRemark({ DBInstanceId: id, UserName: 'app_user', Remark: '应用-2' });
  assert.equal((await accountSettled('app_user')).Remark, '应用-2');

  assert.equal(await errorCode(client.DeleteAccount({ DBInstanceId: id, UserName: 'root_admin' })), 'OperationDenied.InstanceAccessDeniedError');
  await client.DeleteAccount({ DBInstanceId: id, UserName: 'app_user' });
  await eventually(async () => (await client.DescribeAccounts({ DBInstanceId: id })).TotalCount === 1, 'account deletion');
  assert.equal(await canLogin('app_user', NEW_PW), false);
  assert.equal(await errorCode(client.DeleteAccount({ DBInstanceId: id, UserName: 'app_user' })), 'InvalidParameterValue.AccountNotExist');
  assert.equal(await errorCode(client.DescribeAccounts({ DBInstanceId: 'postgres-nothere1' })), 'ResourceNotFound.InstanceNotFoundError');
});

test('databases: create, describe, change owner, delete', async () => {
  const ROOT_PW = 'Root#Changed2026';
  await client.CreateAccount({ DBInstanceId: id, UserName: 'owner_a', Type: 'normal', Password: APP_PW });
  await client.CreateAccount({ DBInstanceId: id, UserName: 'owner_b', Type: 'normal', Password: APP_PW });
  await accountSettled('owner_a');
  await accountSettled('owner_b');
  await client.CreateDatabase({ DBInstanceId: id, DatabaseName: 'shop', DatabaseOwner: 'owner_a' });
  assert.equal(await errorCode(client.CreateDatabase({ DBInstanceId: id, DatabaseName: 'shop', DatabaseOwner: 'owner_a' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.CreateDatabase({ DBInstanceId: id, DatabaseName: 'other', DatabaseOwner: 'ghost' })), 'InvalidParameterValue.AccountNotExist');
  assert.equal(await errorCode(client.CreateDatabase({ DBInstanceId: id, DatabaseName: 'template1', DatabaseOwner: 'owner_a' })), 'InvalidParameterValue.InvalidParameterValueError');
  await eventually(() => canLogin('owner_a', APP_PW, 'shop'), 'database creation');
  const owner = async () => {
    const c = await login(inst, 'root_admin', ROOT_PW);
    try {
      return (await c.query("SELECT pg_get_userbyid(datdba) AS o FROM pg_database WHERE datname = 'shop'")).rows[0]?.o as string | undefined;
    } finally {
      await c.end();
    }
  };
  assert.equal(await owner(), 'owner_a');
  const described = await client.DescribeDatabases({ DBInstanceId: id, Filters: [{ Name: 'database-name', Values: ['sho'] }] });
  assert.deepEqual(described.Items, ['shop']);
  assert.equal(described.TotalCount, 1);
  assert.deepEqual(described.Databases![0], { DatabaseName: 'shop', DatabaseOwner: 'owner_a', Encoding: 'UTF8', Collate: 'C', Ctype: 'C', AllowConn: true, ConnLimit: -1, Privileges: '' });

  await client.ModifyDatabaseOwner({ DBInstanceId: id, DatabaseName: 'shop', DatabaseOwner: 'owner_b' });
  await eventually(async () => (await owner()) === 'owner_b', 'owner change');
  assert.equal((await client.DescribeDatabases({ DBInstanceId: id })).Databases![0]!.DatabaseOwner, 'owner_b');

  const session = await login(inst, 'owner_b', APP_PW, 'shop');
  session.on('error', () => {});
  await client.DeleteDatabase({ DBInstanceId: id, DatabaseName: 'shop' });
  await eventually(async () => (await owner()) === undefined, 'database deletion');
  await session.end().catch(() => {});
  assert.equal((await client.DescribeDatabases({ DBInstanceId: id })).TotalCount, 0);
  assert.equal(await errorCode(client.DeleteDatabase({ DBInstanceId: id, DatabaseName: 'shop' })), 'InvalidParameterValue.InvalidParameterValueError');
});
