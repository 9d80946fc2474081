// The metadata store on PostgreSQL (PGCLOUD_STORE_URL=postgres://…): a real PostgreSQL server from the
// project's own binaries holds the store, and the real service runs on it, driven through the official
// SDK. Every store module is exercised: migrations (twice), accounts and keys, instances and orders,
// billing (exact charges, concurrent orders against a limited balance, amounts beyond 32 bits),
// networks and VPCs, projects and tags, KMS keys, and an instance's life (accounts, databases,
// parameters, tasks, isolate, destroy). Counts and amounts must come back as numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { startService, freePort, postmastersUnder, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, waitForStatus, login, PASSWORD, type PostgresClient } from './support/sdk.ts';
import { billingClient, vpcClient, tagClient, kmsClient } from './support/clients.ts';
import { resolveRunAs } from '../src/engine/local/runas.ts';
import { Kysely, sql } from 'kysely';
import { postgresDialect } from '../src/store/postgres.ts';
import { checkResourceTagsMigration } from './support/tag-migration.ts';
import { findBinaries } from '../src/engine/local/binaries.ts';
import { openStore } from '../src/store/db.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MONTH = 18_600; // cdb.pg.z1.2g with 10 GB, one month (2 x 8800 + 10 x 100)
const HOUR = 31; // one hour of the same, pay-as-you-go
const INITIAL = 7 * MONTH; // every account's initial balance: the concurrency test's account can pay for exactly 7
const APP_PW = 'App#User2026x';

const runAs = (await resolveRunAs(undefined, pino({ level: 'silent' }))).shared;
let storeRoot = '';
let storeData = '';
let pgCtl = '';
let storeUrl = '';
let store: pg.Pool;
let svc: TestService;
let pgc: PostgresClient;
let billing: ReturnType<typeof billingClient>;
let uin = '';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const p = spawn(cmd, args, { ...runAs.spawnIds(), env: runAs.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} exited ${code}: ${out}`))));
  });
}

/** A query on the store itself (int8 and numeric come back as strings from pg: cast in SQL where a number is wanted). */
async function q<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await store.query(text, params)).rows as T[];
}

/** `pgcloud <args>` on the service's data directory and the PostgreSQL store, JSON output. */
async function cli(...args: string[]): Promise<any> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'bin', 'pgcloud.js'), ...args, '--data-dir', svc.dataDir, '--output', 'json'], {
    cwd: root,
    env: { ...process.env, PGCLOUD_STORE_URL: storeUrl },
  });
  return JSON.parse(stdout);
}

/** Every balance is the sum of its ledger, in the store. */
async function assertLedgerBalanced(): Promise<void> {
  const rows = await q<{ uin: string; balance: string; frozen: string; amount: string; lfrozen: string }>(
    `select b.uin, b.balance::text, b.frozen::text, coalesce(sum(l.amount), 0)::text as amount, coalesce(sum(l.frozen), 0)::text as lfrozen
       from account_balances b left join ledger_entries l on l.uin = b.uin group by b.uin, b.balance, b.frozen`,
  );
  assert.ok(rows.length > 0);
  for (const r of rows) {
    assert.equal(r.balance, r.amount, `balance of ${r.uin} is the sum of its ledger`);
    assert.equal(r.frozen, r.lfrozen, `frozen amount of ${r.uin} is the sum of its ledger`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(check: () => Promise<boolean>, what: string, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await sleep(120);
  }
  throw new Error(`${what} did not happen`);
}

before(async () => {
  const bins = await findBinaries(runAs);
  const bin = bins.find((b) => b.major === '16') ?? bins[bins.length - 1]!;
  pgCtl = path.join(path.dirname(bin.initdb), 'pg_ctl');
  storeRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-store-pg-'));
  fs.chmodSync(storeRoot, 0o755);
  runAs.chown(storeRoot);
  storeData = path.join(storeRoot, 'data');
  const port = await freePort();
  await run(bin.initdb, ['-D', storeData, '-U', 'store', '-E', 'UTF8', '--locale=C', '--auth=trust', '-N']);
  await run(pgCtl, ['-D', storeData, '-w', '-t', '60', '-l', path.join(storeRoot, 'server.log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${storeRoot}`, 'start']);
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'store', database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE pgcloud');
  await admin.end();
  storeUrl = `postgres://store@127.0.0.1:${port}/pgcloud`;
  store = new pg.Pool({ connectionString: storeUrl, max: 2 });

  svc = await startService({
    env: { PGCLOUD_STORE_URL: storeUrl, PGCLOUD_INITIAL_BALANCE: String(INITIAL), PGCLOUD_PREWARM: '16', PGCLOUD_PROVISION_CONCURRENCY: '2' },
  });
  pgc = postgresClient(svc);
  uin = (await q<{ uin: string }>('select uin from accounts where is_default = 1'))[0]!.uin;
  billing = billingClient(svc);
});

after(async () => {
  await svc?.cleanup();
  await store?.end();
  if (storeData) {
    await run(pgCtl, ['-D', storeData, '-m', 'fast', '-w', 'stop']).catch(() => {});
    for (const pid of postmastersUnder(storeRoot)) process.kill(pid, 'SIGKILL');
    for (let i = 0; postmastersUnder(storeRoot).length && i < 100; i++) await sleep(50);
    assert.deepEqual(postmastersUnder(storeRoot), [], 'the store server is stopped');
  }
  if (storeRoot) fs.rmSync(storeRoot, { recursive: true, force: true });
});

test('migrations apply on an empty PostgreSQL database, and a second start applies nothing again', async () => {
  assert.equal(fs.existsSync(path.join(svc.dataDir, 'pgcloud.db')), false, 'no SQLite store was made');
  const files = fs.readdirSync(path.join(root, 'src', 'store', 'migrations')).filter((f) => /^\d{3}_.+\.ts$/.test(f)).map((f) => f.slice(0, -3)).sort();
  const applied = async () => (await q<{ name: string }>('select name from kysely_migration order by name')).map((r) => r.name);
  assert.deepEqual(await applied(), files);
  const tables = (await q<{ t: string }>("select table_name as t from information_schema.tables where table_schema = 'public' and table_name not like 'kysely%' order by 1")).map((r) => r.t);
  // The same tables as the same migrations make on SQLite (the default store).
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-sqlite-'));
  try {
    const sqlite = await openStore(sqliteDir, '');
    const onSqlite = (await sql<{ t: string }>`select name as t from sqlite_master where type = 'table' and name not like 'kysely%' and name not like 'sqlite%' order by 1`.execute(sqlite)).rows.map((r) => r.t);
    await sqlite.destroy();
    assert.ok(onSqlite.includes('instances') && onSqlite.includes('ledger_entries'), onSqlite.join());
    assert.deepEqual(tables, onSqlite);
  } finally {
    fs.rmSync(sqliteDir, { recursive: true, force: true });
  }
  // Columns of money and byte sizes are 64-bit.
  const types = new Map((await q<{ c: string; t: string }>("select table_name || '.' || column_name as c, data_type as t from information_schema.columns where table_schema = 'public'")).map((r) => [r.c, r.t]));
  for (const c of ['orders.amount', 'account_balances.balance', 'account_balances.frozen', 'ledger_entries.amount', 'ledger_entries.frozen', 'vouchers.nominal', 'vouchers.balance',
    'instance_billing.monthly_price', 'instance_billing.hourly_price', 'instance_billing.frozen', 'instances.disk_used_bytes', 'service_clock.offset_ms', 'accounts.app_id'])
    assert.equal(types.get(c), 'bigint', c);

  const accounts = await q<{ uin: string; is_default: number }>('select uin, is_default from accounts');
  assert.equal(accounts.length, 1);
  assert.deepEqual(accounts, [{ uin, is_default: 1 }]);

  // Restart on the same store: nothing applied twice, the default account and its key not made again.
  await svc.stop();
  await svc.restart();
  assert.deepEqual(await applied(), files);
  assert.equal((await q('select uin from accounts')).length, 1);
  assert.equal((await q('select secret_id from api_keys')).length, 1);
  assert.deepEqual((await pgc.DescribeDBInstances({})).TotalCount, 0);
});

let first = '';
let second = '';

test('CreateInstances → running → a real login as the admin; DescribeDBInstances filters, pages and counts with numbers', async () => {
  const made = await pgc.CreateInstances(createRequest({ DBMajorVersion: '16', InstanceCount: 2, Name: 'alpha' }));
  assert.equal(made.DBInstanceIdSet!.length, 2);
  [first, second] = made.DBInstanceIdSet!;
  const inst = await waitForStatus(pgc, first, 'running', 120_000);
  await waitForStatus(pgc, second, 'running', 120_000);
  const c = await login(inst, 'dbadmin', PASSWORD);
  assert.equal((await c.query('select current_user as u')).rows[0].u, 'dbadmin');
  await c.end();
  // The reply's numbers are numbers (a store reading int8/count(*) as strings would leak "…" here).
  assert.equal(typeof inst.DBInstanceStorage, 'number');
  assert.equal(inst.DBInstanceStorage, 10);
  assert.equal(inst.DBInstanceMemory, 2);
  assert.equal(inst.ProjectId, 0);
  assert.equal(typeof inst.AppId, 'number');
  assert.equal(inst.AppId, Number((await q<{ a: string }>('select app_id::text as a from accounts'))[0]!.a));
  assert.equal(typeof inst.DBInstanceNetInfo[0].Port, 'number');
  assert.equal(inst.AutoRenew, 0);

  await pgc.ModifyDBInstanceName({ DBInstanceId: second, InstanceName: 'beta' });
  const all = await pgc.DescribeDBInstances({});
  assert.equal(all.TotalCount, 2);
  assert.equal(typeof all.TotalCount, 'number');
  const page1 = await pgc.DescribeDBInstances({ Limit: 1, Offset: 0, OrderBy: 'Name', OrderByType: 'asc' });
  const page2 = await pgc.DescribeDBInstances({ Limit: 1, Offset: 1, OrderBy: 'Name', OrderByType: 'asc' });
  assert.deepEqual([page1.TotalCount, page2.TotalCount], [2, 2]);
  assert.deepEqual([page1.DBInstanceSet!.map((i) => i.DBInstanceName), page2.DBInstanceSet!.map((i) => i.DBInstanceName)], [['alpha'], ['beta']]);
  const byName = await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-instance-name', Values: ['bet'] }] });
  assert.deepEqual([byName.TotalCount, byName.DBInstanceSet!.map((i) => i.DBInstanceId)], [1, [second]]);
  const byId = await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [first, 'postgres-nothere0'] }] });
  assert.deepEqual(byId.DBInstanceSet!.map((i) => i.DBInstanceId), [first]);
  const postpaid = await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-pay-mode', Values: ['postpaid'] }, { Name: 'db-project-id', Values: ['0'] }] });
  assert.equal(postpaid.TotalCount, 2);

  // The orders of the purchase: pay-as-you-go, one hour frozen per instance.
  const orders = await pgc.DescribeOrders({ DealNames: made.DealNames! });
  assert.deepEqual(orders.Deals!.map((d) => [d.PayMode, d.Count, typeof d.FlowId]).sort(), [[0, 1, 'number'], [0, 1, 'number']]);
  const acct = await billing.DescribeAccountBalance({});
  assert.deepEqual([acct.Balance, acct.FreezeAmount, acct.Uin], [INITIAL - 2 * HOUR, 2 * HOUR, Number(uin)]);
  await assertLedgerBalanced();
});

test('billing: a prepaid order charges the balance exactly; top-ups beyond 32 bits stay exact', async () => {
  // An amount no 32-bit integer holds: 3,000,000,000 cents.
  const topped = await cli('billing', 'topup', uin, '3000000000');
  assert.deepEqual(topped, { uin, balance: INITIAL - 2 * HOUR + 3_000_000_000, frozen: 2 * HOUR });
  const before = await billing.DescribeAccountBalance({});
  assert.equal(before.Balance, INITIAL - 2 * HOUR + 3_000_000_000);
  assert.equal(before.CashAccountBalance, INITIAL + 3_000_000_000);

  const price = await pgc.InquiryPriceCreateDBInstances({ Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, InstanceChargeType: 'PREPAID' });
  assert.deepEqual([price.Price, price.OriginalPrice], [MONTH, MONTH]);
  const res = await pgc.CreateInstances(createRequest({ DBMajorVersion: '16', InstanceChargeType: 'PREPAID', Period: 1, Name: 'prepaid' }));
  const id = res.DBInstanceIdSet![0]!;
  const afterBalance = await billing.DescribeAccountBalance({});
  assert.equal(afterBalance.Balance, before.Balance! - MONTH);
  assert.equal(afterBalance.FreezeAmount, 2 * HOUR);
  const entries = await q<{ kind: string; amount: string; deal_name: string; bill_id: string }>('select kind, amount::text, deal_name, bill_id from ledger_entries where instance_id = $1', [id]);
  assert.deepEqual(entries, [{ kind: 'charge', amount: String(-MONTH), deal_name: res.DealNames![0], bill_id: res.BillId }]);
  const orders = await pgc.DescribeOrders({ DealNames: res.DealNames! });
  assert.deepEqual(orders.Deals!.map((d) => [d.PayMode, d.DBInstanceIdSet]), [[1, [id]]]);
  const inst = await waitForStatus(pgc, id, 'running', 120_000);
  assert.equal(inst.PayType, 'prepaid');
  assert.match(inst.ExpireTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.notEqual(inst.ExpireTime, '0000-00-00 00:00:00');
  // A voucher (vouchers table) takes its amount off a renewal.
  const voucher = await cli('billing', 'vouchers', 'create', uin, '5000');
  const renewed = await pgc.RenewInstance({ DBInstanceId: id, Period: 1, VoucherIds: [voucher.id] } as any);
  assert.ok(renewed.DealName);
  assert.equal((await billing.DescribeAccountBalance({})).Balance, before.Balance! - 2 * MONTH + 5000);
  const vouchers = await billing.DescribeVoucherInfo({ Limit: 20, Offset: 1 });
  assert.equal(vouchers.TotalCount, 1);
  assert.equal(typeof vouchers.TotalCount, 'number');
  await assertLedgerBalanced();
  // The instance is isolated again (it is not needed and each instance costs a server).
  await pgc.IsolateDBInstances({ DBInstanceIdSet: [id] });
  await waitForStatus(pgc, id, 'isolated', 120_000);
});

test('20 concurrent prepaid orders against a balance for 7: exactly 7 paid, one default network, distinct addresses', async () => {
  const other = await cli('accounts', 'create', 'concurrent');
  const client = postgresClient({ endpoint: svc.endpoint, secretId: other.secretId, secretKey: other.secretKey });
  const request = createRequest({ DBMajorVersion: '16', InstanceChargeType: 'PREPAID', Period: 1 });
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.CreateInstances(request)));
  const ok = results.filter((r): r is PromiseFulfilledResult<any> => r.status === 'fulfilled');
  const codes = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason.code ?? String(r.reason));
  assert.deepEqual(codes, Array(13).fill('OperationDenied.InsufficientBalanceError'));
  assert.equal(ok.length, 7);

  const orders = await q<{ deal_name: string; instance_ids: string; amount: string }>('select deal_name, instance_ids, amount::text from orders where uin = $1', [other.uin]);
  assert.equal(orders.length, 7);
  const instances = await q<{ id: string; deal_name: string; vpc_ip: string }>('select id, deal_name, vpc_ip from instances where uin = $1', [other.uin]);
  assert.equal(instances.length, 7);
  const charges = new Map((await q<{ deal_name: string; amount: string }>("select deal_name, amount::text from ledger_entries where uin = $1 and kind = 'charge'", [other.uin])).map((c) => [c.deal_name, Number(c.amount)]));
  for (const i of instances) {
    assert.ok(orders.some((o) => o.deal_name === i.deal_name && JSON.parse(o.instance_ids)[0] === i.id && Number(o.amount) === MONTH), `${i.id} has its order`);
    assert.equal(charges.get(i.deal_name), -MONTH, `${i.id}'s order is paid`);
  }
  assert.equal(new Set(instances.map((i) => i.vpc_ip)).size, 7, 'every instance has its own VPC address');
  const flows = await q<{ n: number }>('select count(distinct flow_id)::int as n from orders');
  assert.equal(flows[0]!.n, (await q('select deal_name from orders')).length, 'every order has its own FlowId');
  const bal = await q<{ balance: string; frozen: string }>('select balance::text, frozen::text from account_balances where uin = $1', [other.uin]);
  assert.deepEqual(bal, [{ balance: '0', frozen: '0' }]);
  // In commit order: store transactions run one at a time and take their transaction id at their first
  // write, so xmin orders them as they were applied (created_at is each request's own clock reading,
  // taken before it waited for the lock).
  const min = await q<{ m: string }>('select min(running)::text as m from (select sum(amount) over (order by xmin::text::bigint, id) as running from ledger_entries where uin = $1) s', [other.uin]);
  assert.ok(Number(min[0]!.m) >= 0, 'the balance never went below zero');
  const listed = await client.DescribeDBInstances({ Limit: 100 });
  assert.equal(listed.TotalCount, 7);
  const vpcs = await vpcClient({ endpoint: svc.endpoint, secretId: other.secretId, secretKey: other.secretKey }).DescribeVpcs({});
  assert.equal(vpcs.TotalCount, 1, 'one default VPC made for the account, not one per racing order');
  // Without SecurityGroupIds an instance is bound to no group (README, "Behaviour inferred from the Terraform provider").
  assert.equal((await q('select instance_id from instance_security_groups where instance_id = any($1)', [instances.map((i) => i.id)])).length, 0, 'no group bound by default');
  await assertLedgerBalanced();
  // Nothing is left to pay a renewal (of a running instance).
  const id = ok[0]!.value.DBInstanceIdSet[0];
  await waitForStatus(client, id, 'running', 180_000);
  assert.equal(await errorCode(client.RenewInstance({ DBInstanceId: id, Period: 1 })), 'OperationDenied.InsufficientBalanceError');
  // These instances are not needed further: isolated once running (a prepaid instance can be isolated at once).
  for (const o of ok) {
    const iid = o.value.DBInstanceIdSet[0];
    await eventually(async () => (await errorCode(client.IsolateDBInstances({ DBInstanceIdSet: [iid] }))) === undefined, `isolating ${iid}`);
  }
  for (const o of ok) await waitForStatus(client, o.value.DBInstanceIdSet[0], 'isolated', 180_000);
  await assertLedgerBalanced();
});

test('vpc: CreateVpc, CreateSubnet, DescribeSubnets with address counts, DeleteVpc', async () => {
  const vpc = vpcClient(svc);
  const { Vpc } = await vpc.CreateVpc({ VpcName: 'app', CidrBlock: '10.20.0.0/16' });
  assert.match(Vpc!.VpcId!, /^vpc-[a-z0-9]{8}$/);
  assert.equal(Vpc!.IsDefault, false);
  const { Subnet } = await vpc.CreateSubnet({ VpcId: Vpc!.VpcId!, SubnetName: 'a', CidrBlock: '10.20.1.0/28', Zone: 'ap-guangzhou-3' });
  assert.deepEqual([Subnet!.TotalIpAddressCount, Subnet!.AvailableIpAddressCount], [16, 13]);
  assert.equal(await errorCode(vpc.CreateSubnet({ VpcId: Vpc!.VpcId!, SubnetName: 'b', CidrBlock: '10.20.1.0/28', Zone: 'ap-guangzhou-3' })), 'InvalidParameterValue.SubnetConflict');
  const { DBInstanceIdSet } = await pgc.CreateInstances(createRequest({ DBMajorVersion: '16', VpcId: Vpc!.VpcId!, SubnetId: Subnet!.SubnetId!, Name: 'in-vpc' }));
  const id = DBInstanceIdSet![0]!;
  const inst = await waitForStatus(pgc, id, 'running', 120_000);
  assert.equal(inst.NetworkAccessList[0].Vip, '10.20.1.2');
  const subnets = await vpc.DescribeSubnets({ Filters: [{ Name: 'vpc-id', Values: [Vpc!.VpcId!] }] });
  assert.equal(subnets.TotalCount, 1);
  assert.deepEqual(subnets.SubnetSet!.map((s) => [s.CidrBlock, s.TotalIpAddressCount, s.AvailableIpAddressCount]), [['10.20.1.0/28', 16, 12]]);
  assert.equal(typeof subnets.SubnetSet![0]!.AvailableIpAddressCount, 'number');
  const byIp = await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-private-ip', Values: ['10.20.1.2'] }] });
  assert.deepEqual(byIp.DBInstanceSet!.map((i) => i.DBInstanceId), [id]);
  assert.equal(await errorCode(vpc.DeleteVpc({ VpcId: Vpc!.VpcId! })), 'ResourceInUse');
  const defaults = await vpc.DescribeVpcs({ Filters: [{ Name: 'is-default', Values: ['true'] }] });
  assert.equal(defaults.TotalCount, 1);
  const { Vpc: temp } = await vpc.CreateVpc({ VpcName: 'temp', CidrBlock: '192.168.0.0/24' });
  await vpc.DeleteVpc({ VpcId: temp!.VpcId! });
  assert.equal(await errorCode(vpc.DescribeVpcs({ VpcIds: [temp!.VpcId!] })), 'ResourceNotFound');

  // Security groups: a group of its own, bound to the instance.
  const { SecurityGroup } = await vpc.CreateSecurityGroup({ GroupName: 'db', GroupDescription: 'db access' });
  await pgc.ModifyDBInstanceSecurityGroups({ DBInstanceId: id, SecurityGroupIdSet: [SecurityGroup!.SecurityGroupId!] });
  const bound = await pgc.DescribeDBInstanceSecurityGroups({ DBInstanceId: id });
  assert.deepEqual(bound.SecurityGroupSet!.map((g) => g.SecurityGroupId), [SecurityGroup!.SecurityGroupId]);
  const groups = await vpc.DescribeSecurityGroups({});
  assert.equal(typeof groups.TotalCount, 'number');
  assert.equal(groups.TotalCount, 2); // the default group and this one
});

test('projects and tags: AddProject, DescribeProjects, TagResources, DescribeTags, DescribeTagKeys, filters', async () => {
  const tag = tagClient(svc);
  const added = await tag.AddProject({ ProjectName: 'analytics', Info: 'team' });
  assert.equal(added.IsNew, 1);
  assert.equal(typeof added.ProjectId, 'number');
  assert.equal((await tag.AddProject({ ProjectName: 'analytics' })).ProjectId, added.ProjectId);
  const second_ = await tag.AddProject({ ProjectName: 'billing' });
  assert.equal(second_.ProjectId, added.ProjectId! + 1);
  const { Projects, Total } = await tag.DescribeProjects({ AllList: 1, Limit: 1000, Offset: 0 });
  assert.deepEqual(Projects!.map((p) => p.ProjectId), [0, added.ProjectId, second_.ProjectId]);
  assert.equal(Total, 3);
  assert.equal((await pgc.ModifyDBInstancesProject({ DBInstanceIdSet: [second], ProjectId: String(added.ProjectId) })).Count, 1);
  const inProject = await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-project-id', Values: [String(added.ProjectId)] }] });
  assert.deepEqual(inProject.DBInstanceSet!.map((i) => [i.DBInstanceId, i.ProjectId]), [[second, added.ProjectId]]);

  const resource = (id: string) => `qcs::postgres:ap-guangzhou:uin/${uin}:DBInstanceId/${id}`;
  await tag.TagResources({ ResourceList: [resource(first), resource(second)], Tags: [{ TagKey: 'env', TagValue: 'prod' }] });
  await tag.TagResources({ ResourceList: [resource(first)], Tags: [{ TagKey: 'Team', TagValue: 'data' }] });
  const tagged = await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-tag-key', Values: ['env'] }] });
  assert.deepEqual(tagged.DBInstanceSet!.map((i) => i.DBInstanceId).sort(), [first, second].sort());
  assert.equal((await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-tag-key', Values: ['team'] }] })).TotalCount, 0, 'tag keys are case-sensitive');
  await tag.UnTagResources({ ResourceList: [resource(second)], TagKeys: ['env'] });
  assert.deepEqual((await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-tag-key', Values: ['env'] }] })).DBInstanceSet!.map((i) => i.DBInstanceId), [first]);
  const keys = await tag.DescribeTagKeys({});
  assert.deepEqual([keys.TotalCount, keys.Tags], [2, ['Team', 'env']]);
  const tags = await tag.DescribeTags({});
  assert.equal(typeof tags.TotalCount, 'number');
  assert.deepEqual(tags.Tags!.map((t) => [t.TagKey, t.TagValue]).sort(), [['Team', 'data'], ['env', 'prod']]);
});

test('migration 008 on a PostgreSQL store holding data from before it; resource tags, route tables, VPC attributes on PostgreSQL', async () => {
  await q('CREATE DATABASE pgcloud_migration');
  const migrated = new Kysely<any>({ dialect: postgresDialect(storeUrl.replace(/\/pgcloud$/, '/pgcloud_migration')) });
  try {
    await checkResourceTagsMigration(migrated);
  } finally {
    await migrated.destroy();
  }
  // The running service on this store: the provider's tag calls, the default route table, VPC attributes.
  const tag = tagClient(svc);
  const vpc = vpcClient(svc);
  await tag.ModifyResourceTags({ Resource: `qcs::postgres:ap-guangzhou:uin/:DBInstanceId/${first}`, ReplaceTags: [{ TagKey: 'env', TagValue: 'stage' }], DeleteTags: [{ TagKey: 'Team' }] });
  const read = await tag.DescribeResourceTagsByResourceIds({ ServiceType: 'postgres', ResourcePrefix: 'DBInstanceId', ResourceRegion: 'ap-guangzhou', ResourceIds: [first], Limit: 20, Offset: 0 });
  assert.deepEqual([read.TotalCount, read.Tags!.map((t) => [t.TagKey, t.TagValue])], [1, [['env', 'stage']]]);
  assert.deepEqual((await pgc.DescribeDBInstanceAttribute({ DBInstanceId: first })).DBInstance!.TagList, [{ TagKey: 'env', TagValue: 'stage' }]);
  const got = await tag.GetResources({ TagFilters: [{ TagKey: 'env', TagValue: ['stage'] }], MaxResults: 1 });
  assert.deepEqual(got.ResourceTagMappingList!.map((m) => m.Resource), [`qcs::postgres:ap-guangzhou:uin/${uin}:DBInstanceId/${first}`]);
  assert.equal(got.PaginationToken, '');
  const dflt = (await vpc.DescribeVpcs({ Filters: [{ Name: 'is-default', Values: ['true'] }] })).VpcSet![0]!;
  const main = await vpc.DescribeRouteTables({ Filters: [{ Name: 'vpc-id', Values: [dflt.VpcId!] }, { Name: 'association.main', Values: ['true'] }] });
  assert.equal(main.TotalCount, 1);
  assert.ok(main.RouteTableSet![0]!.AssociationSet!.length >= 1, 'the default subnets are associated with it');
  await vpc.ModifyVpcAttribute({ VpcId: dflt.VpcId!, DnsServers: ['10.0.0.2'], EnableMulticast: 'true' });
  const after = (await vpc.DescribeVpcs({ VpcIds: [dflt.VpcId!] })).VpcSet![0]!;
  assert.deepEqual([after.DnsServerSet, after.EnableMulticast], [['10.0.0.2'], true]);
});

test('kms: CreateKey, ListKeys paging, DescribeKey, Encrypt/Decrypt', async () => {
  const kms = kmsClient(svc);
  const a = await kms.CreateKey({ Alias: 'app-key', Description: 'for tests' });
  assert.equal(await errorCode(kms.CreateKey({ Alias: 'app-key' })), 'InvalidParameterValue.AliasAlreadyExists');
  const b = await kms.CreateKey({ Alias: 'other' });
  const listed = await kms.ListKeys({});
  assert.equal(listed.TotalCount, 2);
  assert.deepEqual(listed.Keys!.map((k) => k.KeyId).sort(), [a.KeyId, b.KeyId].sort());
  assert.equal((await kms.ListKeys({ Limit: 1, Offset: 1 })).Keys!.length, 1);
  const meta = (await kms.DescribeKey({ KeyId: a.KeyId! })).KeyMetadata!;
  assert.deepEqual([meta.Alias, meta.KeyState, typeof meta.CreateTime], ['app-key', 'Enabled', 'number']);
  const enc = await kms.Encrypt({ KeyId: a.KeyId!, Plaintext: Buffer.from('attack at dawn').toString('base64') });
  const dec = await kms.Decrypt({ CiphertextBlob: enc.CiphertextBlob! });
  assert.equal(Buffer.from(dec.Plaintext!, 'base64').toString(), 'attack at dawn');
  await kms.DisableKey({ KeyId: b.KeyId! });
  assert.equal((await kms.DescribeKey({ KeyId: b.KeyId! })).KeyMetadata!.KeyState, 'Disabled');
});

test('an instance lives: accounts, databases, parameters, tasks, restart, isolate, destroy', async () => {
  let inst = await waitForStatus(pgc, first, 'running', 120_000);
  await pgc.CreateAccount({ DBInstanceId: first, UserName: 'app_user', Type: 'normal', Password: APP_PW, Remark: 'app-1' });
  assert.equal(await errorCode(pgc.CreateAccount({ DBInstanceId: first, UserName: 'APP_USER', Type: 'normal', Password: APP_PW })), 'InvalidParameterValue.AccountExist');
  await eventually(async () => (await pgc.DescribeAccounts({ DBInstanceId: first, Limit: 100 })).Details!.some((d) => d.UserName === 'app_user' && d.Status === 2), 'account creation');
  const accounts = await pgc.DescribeAccounts({ DBInstanceId: first, OrderBy: 'createTime', OrderByType: 'asc' });
  assert.equal(accounts.TotalCount, 2);
  assert.deepEqual(accounts.Details!.map((d) => [d.UserName, d.UserType, d.Status]), [['dbadmin', 'tencentDBSuper', 2], ['app_user', 'normal', 2]]);
  const c = await login(inst, 'app_user', APP_PW);
  await c.end();

  await pgc.CreateDatabase({ DBInstanceId: first, DatabaseName: 'shop', DatabaseOwner: 'app_user' });
  await eventually(() => login(inst, 'app_user', APP_PW, 'shop').then((s) => s.end().then(() => true), () => false), 'database creation');
  const dbs = await pgc.DescribeDatabases({ DBInstanceId: first });
  assert.deepEqual([dbs.TotalCount, dbs.Items], [1, ['shop']]);

  const { TaskId } = await pgc.ModifyDBInstanceParameters({ DBInstanceId: first, ParamList: [{ Name: 'statement_timeout', ExpectedValue: '12345' }] });
  assert.equal(typeof TaskId, 'number');
  assert.ok(TaskId! > 0);
  await eventually(async () => {
    const ev = await pgc.DescribeParamsEvent({ DBInstanceId: first });
    return ev.EventItems!.length === 1 && ev.EventItems![0]!.EventDetail!.every((d) => d.State === 'success');
  }, 'parameter change');
  inst = await waitForStatus(pgc, first, 'running', 120_000);
  const s = await login(inst, 'dbadmin', PASSWORD);
  assert.equal((await s.query('show statement_timeout')).rows[0].statement_timeout, '12345ms');
  await s.end();
  // The server's settings as the reconciler stored them in the PostgreSQL store.
  assert.equal((await pgc.DescribeDBInstanceParameters({ DBInstanceId: first, ParamName: 'statement_timeout' })).Detail![0]!.CurrentValue, '12345');
  const restart = await pgc.RestartDBInstance({ DBInstanceId: first });
  assert.equal(restart.TaskId, TaskId! + 1, 'task ids follow one another');
  // At once, while the restart (a stop and a start of the server) is still running: a task without an
  // EndTime sorts first ascending and last descending, as on the SQLite store (NULL is the smallest).
  const byEnd = async (OrderByType: string) => (await pgc.DescribeTasks({ DBInstanceId: first, OrderBy: 'EndTime', OrderByType } as any)).TaskSet!.map((t) => [t.TaskId, t.Status]);
  assert.deepEqual(await byEnd('asc'), [[restart.TaskId, 'Running'], [TaskId, 'Success']]);
  assert.deepEqual(await byEnd('desc'), [[TaskId, 'Success'], [restart.TaskId, 'Running']]);
  inst = await waitForStatus(pgc, first, 'running', 120_000);
  await eventually(async () => (await pgc.DescribeTasks({ TaskId: restart.TaskId })).TaskSet![0]!.Status === 'Success', 'restart task');
  const tasks = await pgc.DescribeTasks({ DBInstanceId: first, Limit: 1, Offset: 0, OrderBy: 'StartTime', OrderByType: 'desc' } as any);
  assert.equal(tasks.TotalCount, 2);
  assert.equal(typeof tasks.TotalCount, 'number');
  assert.deepEqual(tasks.TaskSet!.map((t) => [t.TaskId, t.Status, t.Progress]), [[restart.TaskId, 'Success', 100]]);

  // Isolate, dis-isolate, isolate, destroy (Terraform's delete flow).
  // /metrics counts the instances by status from the store (count(*) is an int8 on PostgreSQL).
  const metrics = await (await fetch(`${svc.url}/metrics`)).text();
  const running = Number((await q<{ n: number }>("select count(*)::int as n from instances where status = 'running'"))[0]!.n);
  assert.match(metrics, new RegExp(`^pgcloud_instances\\{status="running"\\} ${running}$`, 'm'));

  await pgc.IsolateDBInstances({ DBInstanceIdSet: [first] });
  const isolated = await waitForStatus(pgc, first, 'isolated', 120_000);
  assert.notEqual(isolated.IsolatedTime, '0000-00-00 00:00:00');
  await assert.rejects(login(inst, 'dbadmin', PASSWORD));
  await pgc.DisIsolateDBInstances({ DBInstanceIdSet: [first], Period: 1, AutoVoucher: false });
  inst = await waitForStatus(pgc, first, 'running', 120_000);
  assert.equal(inst.IsolatedTime, '0000-00-00 00:00:00');
  await pgc.IsolateDBInstances({ DBInstanceIdSet: [first] });
  await waitForStatus(pgc, first, 'isolated', 120_000);
  await pgc.DestroyDBInstance({ DBInstanceId: first });
  assert.equal(await errorCode(pgc.DescribeDBInstanceAttribute({ DBInstanceId: first })), 'ResourceNotFound.InstanceNotFoundError');
  assert.equal((await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [first] }] })).TotalCount, 0);
  const dir = path.join(svc.dataDir, 'engine', 'instances', first);
  await eventually(async () => !fs.existsSync(dir), 'data directory removal');
  await eventually(async () => (await q<{ status: string }>('select status from instances where id = $1', [first]))[0]!.status === 'recycled', 'recycling');
  await assertLedgerBalanced();
});

test('parameter templates: created in order, filtered, ordered, changed and deleted', async () => {
  const a = (await pgc.CreateParameterTemplate({ TemplateName: 'pg-store-a', DBMajorVersion: '16', DBEngine: 'postgresql' })).TemplateId!;
  const b = (await pgc.CreateParameterTemplate({ TemplateName: 'pg-store-b', DBMajorVersion: '16', DBEngine: 'postgresql', TemplateDescription: 'second' })).TemplateId!;
  const names = async (req: Record<string, unknown>) => (await pgc.DescribeParameterTemplates(req)).ParameterTemplateSet!.map((t) => t.TemplateName);
  assert.deepEqual(await names({}), ['pg-store-b', 'pg-store-a']);
  assert.deepEqual(await names({ OrderBy: 'TemplateName', OrderByType: 'asc' }), ['pg-store-a', 'pg-store-b']);
  assert.deepEqual(await names({ Filters: [{ Name: 'TemplateId', Values: [a] }] }), ['pg-store-a']);
  assert.equal((await pgc.DescribeParameterTemplates({ Limit: 1 })).TotalCount, 2);
  await pgc.ModifyParameterTemplate({ TemplateId: a, ModifyParamEntrySet: [{ Name: 'lock_timeout', ExpectedValue: '60' }] });
  const attrs = await pgc.DescribeParameterTemplateAttributes({ TemplateId: a });
  assert.deepEqual([attrs.TotalCount, attrs.ParamInfoSet![0]!.Name, attrs.ParamInfoSet![0]!.CurrentValue], [1, 'lock_timeout', '60']);
  for (const id of [a, b]) await pgc.DeleteParameterTemplate({ TemplateId: id });
  assert.equal((await pgc.DescribeParameterTemplates({})).TotalCount, 0);
});
