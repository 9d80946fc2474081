// What the host cannot hold is refused up front, and an instance whose provisioning fails anyway can be
// removed, with nothing of it left. The service's data directory is a small tmpfs (root only):
// - filled up, CreateInstances answers ResourceInsufficient.ResourceNotEnough and orders nothing;
// - with room, but the instances directory made immutable (a failure the up-front check cannot see),
//   the instance is accepted, fails, goes offlining → offline (its server, files, user and address
//   released, its order refunded), and DestroyDBInstance (or isolate + destroy, as Terraform does)
//   removes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { startService, postmastersUnder, usersMarkedUnder, type TestService } from './support/service.ts';
import { createRequest, postgresClient, waitForStatus, errorOf, type PostgresClient } from './support/sdk.ts';
import { billingClient } from './support/clients.ts';
import { assertLedgerBalanced } from './support/billing.ts';
import { waitFor } from './support/processes.ts';

const root = process.getuid?.() === 0;
const haveChattr = spawnSync('chattr', ['--help']).error === undefined;
let mountPoint: string;
let svc: TestService | undefined;
let client: PostgresClient;

before(async () => {
  if (!root) return;
  mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-offline-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200m,mode=0755', 'tmpfs', mountPoint]);
  fs.mkdirSync(path.join(mountPoint, 'svc'));
  svc = await startService({ dataDir: path.join(mountPoint, 'svc'), env: { PGCLOUD_PREWARM: '16' } });
  client = postgresClient(svc);
  // The template of 16 is made: the room each new server takes is measured from it.
  await waitFor('the template', async () => fs.existsSync(path.join(svc!.dataDir, 'engine', 'templates', '16-UTF8')), 120_000);
});
after(async () => {
  if (!root) return;
  const instances = svc && path.join(svc.dataDir, 'engine', 'instances');
  if (instances && fs.existsSync(instances)) spawnSync('chattr', ['-i', instances]);
  await svc?.cleanup();
  spawnSync('umount', ['-l', mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

const free = () => {
  const st = fs.statfsSync(mountPoint);
  return st.bavail * st.bsize;
};
const balance = async () => (await billingClient(svc!).DescribeAccountBalance({})).Balance;
const listed = async () => (await client.DescribeDBInstances({})).TotalCount;
const instanceDirs = () => fs.readdirSync(path.join(svc!.dataDir, 'engine', 'instances')).filter((n) => !n.startsWith('.'));

test('a full file system: CreateInstances is refused with ResourceInsufficient.ResourceNotEnough, nothing ordered or made', async (t) => {
  if (!root) return t.skip('needs root (mounts a tmpfs)');
  const filler = path.join(mountPoint, 'filler');
  execFileSync('fallocate', ['-l', String(Math.max(0, free() - 20 * 1048576)), filler]);
  try {
    const before = { balance: await balance(), listed: await listed() };
    const err = await errorOf(client.CreateInstances(createRequest({ DBMajorVersion: '16' })));
    assert.equal(err.code, 'ResourceInsufficient.ResourceNotEnough');
    assert.match(err.message, /Not enough disk space .* MB free, \d+ MB needed/);
    // An HA instance (two servers) just as well.
    assert.equal((await errorOf(client.CreateInstances(createRequest({ DBMajorVersion: '16', DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }, { Role: 'Standby', Zone: 'ap-guangzhou-3' }] })))).code, 'ResourceInsufficient.ResourceNotEnough');
    assert.deepEqual({ balance: await balance(), listed: await listed() }, before);
    assert.deepEqual(instanceDirs(), []);
    assert.deepEqual(usersMarkedUnder(svc!.dataDir), []);
  } finally {
    fs.rmSync(filler);
  }
});

test('provisioning that fails anyway ends offline with nothing left; DestroyDBInstance (or isolate + destroy) removes it', async (t) => {
  if (!root) return t.skip('needs root (mounts a tmpfs)');
  if (!haveChattr) return t.skip('needs chattr');
  const instances = path.join(svc!.dataDir, 'engine', 'instances');
  const start = await balance();
  // No instance directory can be made any more (even by root), though there is room.
  execFileSync('chattr', ['+i', instances]);
  let ids: string[];
  try {
    const res = await client.CreateInstances(createRequest({ DBMajorVersion: '16', InstanceCount: 2, InstanceChargeType: 'PREPAID' }));
    ids = res.DBInstanceIdSet!;
    assert.ok((await balance())! < start!, 'paid');
    for (const id of ids) await waitForStatus(client, id, 'offline', 180_000, 250);
  } finally {
    execFileSync('chattr', ['-i', instances]);
  }
  // Released: no server, no directory, no user, no address; refunded in full.
  assert.deepEqual(postmastersUnder(svc!.dataDir), []);
  assert.deepEqual(instanceDirs(), []);
  assert.deepEqual(usersMarkedUnder(svc!.dataDir), []);
  for (const id of ids) {
    const { DBInstance: inst } = await client.DescribeDBInstanceAttribute({ DBInstanceId: id });
    assert.equal(inst!.DBInstanceStatus, 'offline');
    assert.equal(inst!.DBInstanceNetInfo!.find((n) => n.NetType === 'private')?.Ip ?? '', '');
  }
  await waitFor('the refund', async () => (await balance()) === start);
  assertLedgerBalanced(svc!.dataDir);

  // The first: destroyed at once. The second: the usual way, isolate then destroy; it cannot be brought back.
  await client.DestroyDBInstance({ DBInstanceId: ids[0]! });
  await client.IsolateDBInstances({ DBInstanceIdSet: [ids[1]!] });
  await waitForStatus(client, ids[1]!, 'isolated', 60_000);
  const back = await errorOf(client.DisIsolateDBInstances({ DBInstanceIdSet: [ids[1]!] }));
  assert.equal(back.code, 'OperationDenied.InstanceStatusLimitOpError');
  await client.DestroyDBInstance({ DBInstanceId: ids[1]! });
  await waitFor('both gone from the list', async () => (await listed()) === 0);
  for (const id of ids) assert.equal((await errorOf(client.DescribeDBInstanceAttribute({ DBInstanceId: id }))).code, 'ResourceNotFound.InstanceNotFoundError');
  assert.equal(await balance(), start, 'destroying refunded instances charges nothing more');
  assertLedgerBalanced(svc!.dataDir);
  assert.deepEqual(instanceDirs(), []);
  assert.deepEqual(usersMarkedUnder(svc!.dataDir), []);
});
