// The billing clock moved by `pgcloud clock` while the service runs: hourly settlement, automatic
// renewal at ExpireTime, expiry of a prepaid instance without renewal, arrears and their grace
// period, and destruction after the retention; the ledger is checked at every step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { postgresClient, waitForStatus, type PostgresClient } from './support/sdk.ts';
import { assertLedgerBalanced, balanceOf, cli, ledger, readStore } from './support/billing.ts';

const MONTH = 18_600;
const HOUR = 31;
let svc: TestService;
let client: PostgresClient;

before(async () => {
  // Two months, the frozen hour, one automatic renewal and a month of hours, and a little more.
  svc = await startService({ env: { PGCLOUD_INITIAL_BALANCE: String(3 * MONTH + 32 * 24 * HOUR + HOUR + 500), PGCLOUD_PREWARM: '15', PGCLOUD_ARREARS_GRACE: '2h', PGCLOUD_RETENTION: '1d' } });
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

const apiTime = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
const fromApi = (t: string) => new Date(Date.parse(t.replace(' ', 'T') + '+08:00'));
const addMonth = (d: Date) => {
  const r = new Date(d);
  const day = r.getUTCDate();
  r.setUTCMonth(r.getUTCMonth() + 1);
  if (r.getUTCDate() < day) r.setUTCDate(0);
  return r;
};
const status = (id: string) => readStore(svc.dataDir, (db) => db.prepare('select status, desired_state, expire_time, isolated_time from instances where id = ?').get(id) as any);
async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const settled = (id: string) => ledger(svc.dataDir).filter((e) => e.instance_id === id && e.kind === 'settle').reduce((s, e) => s - e.amount, 0);

test('clock: settlement, automatic renewal, expiry, arrears, retention', async () => {
  const request = {
    Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, Charset: 'UTF8',
    AdminName: 'dbadmin', AdminPassword: 'Pgcloud#2026pw', DBMajorVersion: '15',
  };
  const renewing = (await client.CreateInstances({ ...request, InstanceChargeType: 'PREPAID', AutoRenewFlag: 1 })).DBInstanceIdSet![0]!;
  const expiring = (await client.CreateInstances({ ...request, InstanceChargeType: 'PREPAID', AutoRenewFlag: 0 })).DBInstanceIdSet![0]!;
  const hourly = (await client.CreateInstances({ ...request, InstanceChargeType: 'POSTPAID_BY_HOUR' })).DBInstanceIdSet![0]!;
  for (const id of [renewing, expiring, hourly]) await waitForStatus(client, id, 'running', 120_000, 200);
  const uin = readStore(svc.dataDir, (db) => (db.prepare('select uin from instances limit 1').get() as { uin: string }).uin);
  const firstExpire = (await client.DescribeDBInstanceAttribute({ DBInstanceId: renewing })).DBInstance!.ExpireTime!;
  assertLedgerBalanced(svc.dataDir);

  // Five hours later: five hours of the pay-as-you-go instance are settled.
  await cli(svc.dataDir, 'clock', 'advance', '5h');
  await until('5 hours settled', () => settled(hourly) === 5 * HOUR);
  assertLedgerBalanced(svc.dataDir);

  // Just past the first ExpireTime: one renews for a month, the other is isolated.
  await cli(svc.dataDir, 'clock', 'set', new Date(fromApi(firstExpire).getTime() + 60_000).toISOString());
  await waitForStatus(client, expiring, 'isolated', 60_000, 200);
  const renewed = (await client.DescribeDBInstanceAttribute({ DBInstanceId: renewing })).DBInstance!;
  assert.equal(renewed.DBInstanceStatus, 'running');
  assert.equal(renewed.ExpireTime, apiTime(addMonth(fromApi(firstExpire)).toISOString()));
  const renewals = ledger(svc.dataDir).filter((e) => e.instance_id === renewing && e.kind === 'charge');
  assert.deepEqual(renewals.map((e) => e.amount), [-MONTH, -MONTH]);
  const renewOrder = readStore(svc.dataDir, (db) => db.prepare("select amount, pay_mode from orders where action = 'renew'").all());
  assert.deepEqual(renewOrder, [{ amount: MONTH, pay_mode: 1 }]);
  const isolated = status(expiring);
  assert.equal(isolated.desired_state, 'stopped');
  assert.ok(isolated.isolated_time);
  assert.equal((await client.DescribeDBInstanceAttribute({ DBInstanceId: hourly })).DBInstance!.DBInstanceStatus, 'running');
  assert.ok(balanceOf(svc.dataDir, uin).balance >= 0);
  assertLedgerBalanced(svc.dataDir);

  // Two months on: the hours drive the account below zero, and the renewal can no longer be paid.
  await cli(svc.dataDir, 'clock', 'advance', '2mo');
  await waitForStatus(client, renewing, 'isolated', 60_000, 200);
  await until('arrears', () => readStore(svc.dataDir, (db) => (db.prepare('select arrears_since from account_balances where uin = ?').get(uin) as any).arrears_since !== null));
  assert.ok(balanceOf(svc.dataDir, uin).balance < 0);
  assert.equal(ledger(svc.dataDir).filter((e) => e.instance_id === renewing && e.kind === 'charge').length, 2, 'no renewal without balance');
  assert.equal((await client.DescribeDBInstanceAttribute({ DBInstanceId: hourly })).DBInstance!.DBInstanceStatus, 'running', 'still within the grace period');
  assertLedgerBalanced(svc.dataDir);

  // Past the grace period: the pay-as-you-go instance is isolated and its hours stop.
  await cli(svc.dataDir, 'clock', 'advance', '3h');
  await waitForStatus(client, hourly, 'isolated', 60_000, 200);
  const hoursThen = settled(hourly);
  await cli(svc.dataDir, 'clock', 'advance', '5h');
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(settled(hourly), hoursThen, 'an isolated instance is not billed');
  assertLedgerBalanced(svc.dataDir);

  // Past the retention: all three are destroyed, and the frozen hour goes back.
  await cli(svc.dataDir, 'clock', 'advance', '2d');
  await until('destroyed', () => [renewing, expiring, hourly].every((id) => status(id).desired_state === 'destroyed'));
  const listed = await client.DescribeDBInstances({ Limit: 100 });
  assert.equal(listed.TotalCount, 0);
  await until('frozen released', () => balanceOf(svc.dataDir, uin).frozen === 0);
  const unfreeze = ledger(svc.dataDir).filter((e) => e.instance_id === hourly && e.kind === 'unfreeze');
  assert.deepEqual(unfreeze.map((e) => [e.amount, e.frozen]), [[HOUR, -HOUR]]);
  assertLedgerBalanced(svc.dataDir);
});

test('an expired prepaid instance comes back through DisIsolateDBInstances by buying Period months; without the balance for it nothing changes', async () => {
  // An account of its own, with the initial balance: the test above spent the first one.
  const creds = await cli(svc.dataDir, 'accounts', 'create', 'disisolate');
  const own = postgresClient({ endpoint: svc.endpoint, secretId: creds.secretId, secretKey: creds.secretKey });
  const id = (await own.CreateInstances({
    Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, Charset: 'UTF8', AdminName: 'dbadmin',
    AdminPassword: 'Pgcloud#2026pw', DBMajorVersion: '15', InstanceChargeType: 'PREPAID', AutoRenewFlag: 0,
  })).DBInstanceIdSet![0]!;
  await waitForStatus(own, id, 'running', 120_000, 200);
  const uin = readStore(svc.dataDir, (db) => (db.prepare('select uin from instances where id = ?').get(id) as { uin: string }).uin);
  const charges = () => ledger(svc.dataDir, uin).filter((e) => e.instance_id === id && e.kind === 'charge').map((e) => e.amount);
  const expire = (await own.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!.ExpireTime!;

  // Past ExpireTime without automatic renewal: isolated.
  const back = new Date(fromApi(expire).getTime() + 60_000);
  await cli(svc.dataDir, 'clock', 'set', back.toISOString());
  await waitForStatus(own, id, 'isolated', 60_000, 200);

  // Bought again for two months from now: one renew order, two months charged, ExpireTime two months on.
  await own.DisIsolateDBInstances({ DBInstanceIdSet: [id], Period: 2, AutoVoucher: false });
  const running = await waitForStatus(own, id, 'running', 60_000, 200);
  assert.deepEqual(charges(), [-MONTH, -2 * MONTH]);
  const renewOrders = readStore(svc.dataDir, (db) => db.prepare("select amount from orders where action = 'renew' and instance_ids = ?").all(JSON.stringify([id])));
  assert.deepEqual(renewOrders, [{ amount: 2 * MONTH }]);
  const newExpire = fromApi(running.ExpireTime).getTime();
  const twoMonthsOn = addMonth(addMonth(back)).getTime();
  assert.ok(newExpire >= twoMonthsOn && newExpire < twoMonthsOn + 3600_000, `ExpireTime ${running.ExpireTime} is two months after ${back.toISOString()}`);
  assertLedgerBalanced(svc.dataDir);

  // Expired again; three more months cost more than is left: refused, still isolated, nothing charged.
  await cli(svc.dataDir, 'clock', 'set', new Date(newExpire + 60_000).toISOString());
  await waitForStatus(own, id, 'isolated', 60_000, 200);
  const left = balanceOf(svc.dataDir, uin).balance;
  assert.ok(left < 3 * MONTH, `balance ${left}`);
  await assert.rejects(own.DisIsolateDBInstances({ DBInstanceIdSet: [id], Period: 3 }), (e: any) => e.code === 'OperationDenied.InsufficientBalanceError');
  assert.equal(status(id).status, 'isolated');
  assert.deepEqual(charges(), [-MONTH, -2 * MONTH]);
  assert.equal(balanceOf(svc.dataDir, uin).balance, left);
  assertLedgerBalanced(svc.dataDir);

  await own.DestroyDBInstance({ DBInstanceId: id });
});
