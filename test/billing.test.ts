// Billing end to end through the official SDK against `pgcloud serve`: prices, prepaid charges,
// pay-as-you-go freezes, refusals for want of balance, vouchers, activities, renewal, the billing
// service's balance and vouchers; after every test each balance is the sum of its ledger.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorOf, waitForStatus, type PostgresClient } from './support/sdk.ts';
import { billingClient } from './support/clients.ts';
import { assertLedgerBalanced, balanceOf, cli, ledger, readStore } from './support/billing.ts';

const INITIAL = 1_000_000;
const MONTH = 18_600; // cdb.pg.z1.2g with 10 GB: 2 x 8800 + 10 x 100
const HOUR = 31; // ceil(18600 x 1.2 / 720)
let svc: TestService;
let client: PostgresClient;
let billing: ReturnType<typeof billingClient>;
let uin: string;

const base = createRequest({ DBMajorVersion: '15', InstanceChargeType: 'PREPAID' });

before(async () => {
  svc = await startService({ env: { PGCLOUD_INITIAL_BALANCE: String(INITIAL), PGCLOUD_PREWARM: '15', PGCLOUD_PROVISION_CONCURRENCY: '2' } });
  client = postgresClient(svc);
  billing = billingClient(svc);
  uin = String((await billing.DescribeAccountBalance({})).Uin);
});
after(async () => {
  await svc?.cleanup();
});
afterEach(() => assertLedgerBalanced(svc.dataDir));

const balance = () => balanceOf(svc.dataDir, uin);

test('InquiryPriceCreateDBInstances: the reference example, and one hour of pay-as-you-go', async () => {
  const res = await client.InquiryPriceCreateDBInstances({ Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 100, InstanceCount: 1, Period: 1, Pid: 11004, InstanceChargeType: 'PREPAID' });
  assert.deepEqual({ ...res, RequestId: undefined }, { OriginalPrice: 27600, Price: 27600, Currency: 'CNY', RequestId: undefined });
  const three = await client.InquiryPriceCreateDBInstances({ Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 3, Period: 2 });
  assert.equal(three.Price, MONTH * 2 * 3);
  const hourly = await client.InquiryPriceCreateDBInstances({ Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, InstanceChargeType: 'POSTPAID_BY_HOUR' });
  assert.equal(hourly.Price, HOUR);
  assert.equal((await errorOf(client.InquiryPriceCreateDBInstances({ Zone: 'ap-guangzhou-3', SpecCode: 'nope', Storage: 10, InstanceCount: 1, Period: 1 }))).code, 'InvalidParameterValue.SpecNotRecognizedError');
  assert.equal((await errorOf(client.InquiryPriceCreateDBInstances({ Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 13 }))).code, 'InvalidParameterValue.ParameterOutRangeError');
});

test('a new account starts with the configured balance, shown by DescribeAccountBalance', async () => {
  const res = await billing.DescribeAccountBalance({});
  const b = balance();
  assert.equal(res.Balance, b.balance);
  assert.equal(res.RealBalance, b.balance);
  assert.equal(res.FreezeAmount, b.frozen);
  assert.equal(ledger(svc.dataDir, uin)[0]!.kind, 'topup');
  assert.equal(ledger(svc.dataDir, uin)[0]!.amount, INITIAL);
});

let prepaidId = '';
let postpaidId = '';

test('PREPAID: price x Period is charged with the order, in one ledger entry per order', async () => {
  const before = balance().balance;
  const res = await client.CreateInstances({ ...base, Period: 2, AutoRenewFlag: 0 });
  prepaidId = res.DBInstanceIdSet![0]!;
  assert.equal(balance().balance, before - 2 * MONTH);
  const entries = ledger(svc.dataDir, uin).filter((e) => e.instance_id === prepaidId);
  assert.deepEqual(entries.map((e) => [e.kind, e.amount, e.deal_name, e.bill_id]), [['charge', -2 * MONTH, res.DealNames![0], res.BillId]]);
  const orders = await client.DescribeOrders({ DealNames: res.DealNames! });
  assert.deepEqual(orders.Deals!.map((d) => [d.PayMode, d.DBInstanceIdSet]), [[1, [prepaidId]]]);
});

test('not enough balance: OperationDenied.InsufficientBalanceError, nothing created, nothing charged', async () => {
  const before = balance();
  const count = (await client.DescribeDBInstances({ Limit: 100 })).TotalCount;
  const orders = readStore(svc.dataDir, (db) => (db.prepare('select count(*) as n from orders').get() as { n: number }).n);
  const err = await errorOf(client.CreateInstances({ ...base, Period: 36, InstanceCount: 10 }));
  assert.equal(err.code, 'OperationDenied.InsufficientBalanceError');
  assert.deepEqual(balance(), before);
  assert.equal((await client.DescribeDBInstances({ Limit: 100 })).TotalCount, count);
  assert.equal(readStore(svc.dataDir, (db) => (db.prepare('select count(*) as n from orders').get() as { n: number }).n), orders);
});

test('POSTPAID_BY_HOUR: one hour is frozen at creation and the BillId is that freeze', async () => {
  const before = balance();
  const res = await client.CreateInstances({ ...base, InstanceChargeType: 'POSTPAID_BY_HOUR' });
  postpaidId = res.DBInstanceIdSet![0]!;
  assert.deepEqual(balance(), { balance: before.balance - HOUR, frozen: before.frozen + HOUR });
  const entries = ledger(svc.dataDir, uin).filter((e) => e.instance_id === postpaidId);
  assert.deepEqual(entries.map((e) => [e.kind, e.amount, e.frozen, e.bill_id]), [['freeze', -HOUR, HOUR, res.BillId]]);
  const acct = await billing.DescribeAccountBalance({});
  assert.equal(acct.FreezeAmount, before.frozen + HOUR);
  assert.equal(acct.RealBalance, before.balance - HOUR);
  assert.equal(acct.CashAccountBalance, before.balance - HOUR + before.frozen + HOUR);
});

test('vouchers: named, automatic, and refused when unknown, foreign, expired or used up', async () => {
  const v5 = await cli(svc.dataDir, 'billing', 'vouchers', 'create', uin, '5000');
  const expired = await cli(svc.dataDir, 'billing', 'vouchers', 'create', uin, '9000', '--valid', '1ms');
  const other = await cli(svc.dataDir, 'accounts', 'create', 'other');
  const foreign = await cli(svc.dataDir, 'billing', 'vouchers', 'create', other.uin, '7000');
  const code = async (req: Record<string, unknown>) => (await errorOf(client.CreateInstances({ ...base, ...req }))).code;
  assert.equal(await code({ VoucherIds: ['voucher-nope'] }), 'InvalidParameterValue.InvalidVoucherId');
  assert.equal(await code({ VoucherIds: [foreign.id] }), 'InvalidParameterValue.InvalidVoucherId');
  assert.equal(await code({ VoucherIds: [expired.id] }), 'InvalidParameterValue.InvalidVoucherId');
  assert.equal(await code({ VoucherIds: [v5.id], InstanceChargeType: 'POSTPAID_BY_HOUR' }), 'InvalidParameterValue.InvalidVoucherId');

  let before = balance().balance;
  const a = await client.CreateInstances({ ...base, VoucherIds: [v5.id] });
  assert.equal(balance().balance, before - (MONTH - 5000));
  const entries = ledger(svc.dataDir, uin).filter((e) => e.instance_id === a.DBInstanceIdSet![0]);
  assert.deepEqual(entries.map((e) => [e.kind, e.amount, e.voucher_id]), [['charge', -MONTH, null], ['voucher', 5000, v5.id]]);
  assert.equal(await code({ VoucherIds: [v5.id] }), 'InvalidParameterValue.InvalidVoucherId', 'used up');

  const v10 = await cli(svc.dataDir, 'billing', 'vouchers', 'create', uin, '10000');
  const v3 = await cli(svc.dataDir, 'billing', 'vouchers', 'create', uin, '3000');
  before = balance().balance;
  const b = await client.CreateInstances({ ...base, AutoVoucher: 1 });
  assert.equal(balance().balance, before - (MONTH - 10000), 'AutoVoucher takes the voucher that takes the most off');
  assert.equal(ledger(svc.dataDir, uin).find((e) => e.instance_id === b.DBInstanceIdSet![0] && e.kind === 'voucher')!.voucher_id, v10.id);

  const info = await billing.DescribeVoucherInfo({ Limit: 20, Offset: 1 });
  const byId = new Map(info.VoucherInfos!.map((v) => [v.VoucherId, v]));
  assert.equal(info.TotalCount, 4);
  assert.deepEqual([v5.id, expired.id, v10.id, v3.id].map((id) => byId.get(id)!.Status), ['used', 'overdue', 'used', 'unUsed']);
  assert.equal(byId.get(v3.id)!.Balance, 3000 * 1_000_000);
  assert.equal(info.TotalBalance, 3000 * 1_000_000);
  assert.equal(info.Unit, 'micro');
  assert.ok(!byId.has(foreign.id), 'another account’s voucher is not listed');
  const unused = await billing.DescribeVoucherInfo({ Limit: 20, Offset: 1, Status: 'unUsed' });
  assert.deepEqual(unused.VoucherInfos!.map((v) => v.VoucherId), [v3.id]);
});

test('ActivityId: an operator-defined discount applies; an unknown one is refused', async () => {
  const act = await cli(svc.dataDir, 'billing', 'activities', 'create', 'spring', '--percent-off', '25', '--id', '2001');
  assert.equal(act.id, 2001);
  assert.equal((await errorOf(client.CreateInstances({ ...base, ActivityId: 7 }))).code, 'InvalidParameterValue.InvalidParameterValueError');
  const before = balance().balance;
  const res = await client.CreateInstances({ ...base, ActivityId: 2001 });
  assert.equal(balance().balance, before - (MONTH - Math.floor((MONTH * 25) / 100)));
  assert.deepEqual(ledger(svc.dataDir, uin).filter((e) => e.instance_id === res.DBInstanceIdSet![0]).map((e) => e.amount), [-(MONTH - 4650)]);
});

test('renewal: InquiryPriceRenewDBInstance, RenewInstance moves ExpireTime and charges, SetAutoRenewFlag; pay-as-you-go is refused', async () => {
  const inst = await waitForStatus(client, prepaidId, 'running', 120_000);
  const price = await client.InquiryPriceRenewDBInstance({ DBInstanceId: prepaidId, Period: 3 });
  assert.deepEqual([price.OriginalPrice, price.Price, price.Currency], [3 * MONTH, 3 * MONTH, 'CNY']);
  const before = balance().balance;
  const res = await client.RenewInstance({ DBInstanceId: prepaidId, Period: 3 });
  assert.match(res.DealName!, /^\d{14}$/);
  assert.equal(balance().balance, before - 3 * MONTH);
  const after = (await client.DescribeDBInstanceAttribute({ DBInstanceId: prepaidId })).DBInstance!;
  const expected = new Date(Date.parse(inst.ExpireTime.replace(' ', 'T') + '+08:00'));
  const day = expected.getUTCDate();
  expected.setUTCMonth(expected.getUTCMonth() + 3);
  if (expected.getUTCDate() < day) expected.setUTCDate(0);
  assert.equal(after.ExpireTime, new Date(expected.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '));
  const deal = await client.DescribeOrders({ DealNames: [res.DealName!] });
  assert.deepEqual(deal.Deals!.map((d) => [d.PayMode, d.DBInstanceIdSet]), [[1, [prepaidId]]]);

  assert.equal((await errorOf(client.InquiryPriceRenewDBInstance({ DBInstanceId: postpaidId, Period: 1 }))).code, 'OperationDenied.PostPaidPayModeError');
  assert.equal((await errorOf(client.RenewInstance({ DBInstanceId: postpaidId, Period: 1 }))).code, 'OperationDenied.PostPaidPayModeError');
  assert.equal((await errorOf(client.RenewInstance({ DBInstanceId: 'postgres-nope0000', Period: 1 }))).code, 'ResourceNotFound.InstanceNotFoundError');
  assert.equal((await errorOf(client.RenewInstance({ DBInstanceId: prepaidId, Period: 13 }))).code, 'InvalidParameterValue.ParameterOutRangeError');

  const set = await client.SetAutoRenewFlag({ DBInstanceIdSet: [prepaidId], AutoRenewFlag: 1 });
  assert.equal(set.Count, 1);
  assert.equal((await client.DescribeDBInstanceAttribute({ DBInstanceId: prepaidId })).DBInstance!.AutoRenew, 1);
  assert.equal((await errorOf(client.SetAutoRenewFlag({ DBInstanceIdSet: [postpaidId], AutoRenewFlag: 1 }))).code, 'OperationDenied.PostPaidPayModeError');
  assert.equal((await errorOf(client.SetAutoRenewFlag({ DBInstanceIdSet: [prepaidId], AutoRenewFlag: 3 }))).code, 'InvalidParameterValue.ParameterOutRangeError');
});

test('operators top accounts up from the CLI', async () => {
  const before = balance().balance;
  const res = await cli(svc.dataDir, 'billing', 'topup', uin, '12345');
  assert.equal(res.balance, before + 12345);
  assert.equal((await billing.DescribeAccountBalance({})).Balance, before + 12345);
});
