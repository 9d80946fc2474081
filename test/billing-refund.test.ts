// A provisioning failure refunds its order in full. The failure is real: the service is given an
// address pool no host can have (0.0.0.0/30, "this network"), so no server can bind and the
// reconciler gives up after its retries (status "offline"). Only bind() is attempted: no packet is sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, postmastersUnder, type TestService } from './support/service.ts';
import { postgresClient, waitForStatus, type PostgresClient } from './support/sdk.ts';
import { billingClient } from './support/clients.ts';
import { assertLedgerBalanced, balanceOf, ledger } from './support/billing.ts';

const INITIAL = 1_000_000;
let svc: TestService;
let client: PostgresClient;
let uin: string;

before(async () => {
  svc = await startService({ env: { PGCLOUD_INITIAL_BALANCE: String(INITIAL), PGCLOUD_PREWARM: 'none', PGCLOUD_ADDRESS_POOL: '0.0.0.0/30' } });
  client = postgresClient(svc);
  const billing = billingClient(svc);
  uin = String((await billing.DescribeAccountBalance({})).Uin);
});
after(async () => {
  await svc?.cleanup();
});

test('instances that cannot be provisioned end offline and their orders are refunded in full', async () => {
  const base = {
    Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, Charset: 'UTF8',
    AdminName: 'dbadmin', AdminPassword: 'Pgcloud#2026pw', DBMajorVersion: '15',
  };
  const prepaid = (await client.CreateInstances({ ...base, InstanceChargeType: 'PREPAID', Period: 2 })).DBInstanceIdSet![0]!;
  const postpaid = (await client.CreateInstances({ ...base, InstanceChargeType: 'POSTPAID_BY_HOUR' })).DBInstanceIdSet![0]!;
  // Paid and frozen while provisioning is attempted.
  assert.equal(balanceOf(svc.dataDir, uin).balance, INITIAL - 2 * 18_600 - 31);
  assert.equal(balanceOf(svc.dataDir, uin).frozen, 31);

  for (const id of [prepaid, postpaid]) await waitForStatus(client, id, 'offline', 120_000, 250);
  // The billing loop runs every second.
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && balanceOf(svc.dataDir, uin).balance !== INITIAL) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(balanceOf(svc.dataDir, uin), { balance: INITIAL, frozen: 0 });
  const refunds = ledger(svc.dataDir, uin).filter((e) => e.kind === 'refund');
  assert.deepEqual(refunds.map((e) => [e.instance_id, e.amount]), [[prepaid, 2 * 18_600]]);
  assertLedgerBalanced(svc.dataDir);
  assert.equal(postmastersUnder(svc.dataDir).length, 0);
});
