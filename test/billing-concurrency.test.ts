// Twenty concurrent prepaid orders against a balance that covers exactly seven: seven orders are
// paid, thirteen are refused with OperationDenied.InsufficientBalanceError, the balance never goes
// below zero and no instance exists without its paid order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { postgresClient, errorOf, type PostgresClient } from './support/sdk.ts';
import { assertLedgerBalanced, readStore } from './support/billing.ts';

const MONTH = 18_600;
let svc: TestService;
let client: PostgresClient;

before(async () => {
  svc = await startService({ env: { PGCLOUD_INITIAL_BALANCE: String(7 * MONTH), PGCLOUD_PREWARM: '15', PGCLOUD_PROVISION_CONCURRENCY: '2' } });
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

test('20 concurrent prepaid CreateInstances against a balance for 7: exactly 7 paid orders', async () => {
  const request = {
    Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, Charset: 'UTF8',
    AdminName: 'dbadmin', AdminPassword: 'Pgcloud#2026pw', DBMajorVersion: '15', InstanceChargeType: 'PREPAID',
  };
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.CreateInstances(request)));
  const ok = results.filter((r) => r.status === 'fulfilled');
  const codes = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason.code);
  assert.equal(ok.length, 7);
  assert.deepEqual(codes, Array(13).fill('OperationDenied.InsufficientBalanceError'));

  readStore(svc.dataDir, (db) => {
    const orders = db.prepare('select deal_name, instance_ids, amount from orders').all() as Array<{ deal_name: string; instance_ids: string; amount: number }>;
    assert.equal(orders.length, 7);
    const instances = db.prepare('select id, deal_name from instances').all() as Array<{ id: string; deal_name: string }>;
    assert.equal(instances.length, 7);
    const charges = db.prepare("select deal_name, amount from ledger_entries where kind = 'charge'").all() as Array<{ deal_name: string; amount: number }>;
    const paid = new Map(charges.map((c) => [c.deal_name, c.amount]));
    for (const i of instances) {
      assert.ok(orders.some((o) => o.deal_name === i.deal_name && JSON.parse(o.instance_ids)[0] === i.id), `${i.id} has its order`);
      assert.equal(paid.get(i.deal_name), -MONTH, `${i.id}'s order is paid`);
    }
    const { balance, frozen } = db.prepare('select balance, frozen from account_balances').get() as { balance: number; frozen: number };
    assert.equal(balance, 0);
    assert.equal(frozen, 0);
    const min = db.prepare('select min(running) as m from (select sum(amount) over (order by created_at, id) as running from ledger_entries)').get() as { m: number };
    assert.ok(min.m >= 0, 'the balance never went below zero');
  });
  assertLedgerBalanced(svc.dataDir);

  // With nothing left, a renewal is refused too, and charges nothing.
  const id = (ok[0] as PromiseFulfilledResult<any>).value.DBInstanceIdSet[0];
  const deadline = Date.now() + 120_000;
  while ((await client.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!.DBInstanceStatus !== 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.equal((await errorOf(client.RenewInstance({ DBInstanceId: id, Period: 1 }))).code, 'OperationDenied.InsufficientBalanceError');
  assertLedgerBalanced(svc.dataDir);
  assert.equal(readStore(svc.dataDir, (db) => (db.prepare('select count(*) as n from orders').get() as { n: number }).n), 7);
});
