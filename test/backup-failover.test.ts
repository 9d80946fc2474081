// Backups across the events a service lives through, through the official SDK against a real
// `pgcloud serve`: a failover of an HA instance (the new primary goes on archiving: clones to moments
// before and after it hold exactly the rows committed by then), and a kill -9 of pgcloud right after
// CreateBaseBackup (the backup is taken again after the restart, finishes, and restores exactly).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type pg from 'pg';
import { startService, type TestService } from './support/service.ts';
import { PASSWORD, createRequest, login, postgresClient, type PostgresClient } from './support/sdk.ts';
import { apiTime, batch, nextSecond, stateOf, waitBackup, waitRunning, type State } from './support/backup.ts';

const MAJOR = process.env.PGCLOUD_TEST_BACKUP_HA_MAJOR ?? '13';

let svc: TestService;
let client: PostgresClient;

before(async () => {
  svc = await startService({ env: { PGCLOUD_DEFAULT_STANDBY: '1', PGCLOUD_PREWARM: MAJOR } });
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

async function postmasterOf(db: pg.Client): Promise<number> {
  const { rows } = await db.query('SELECT pg_backend_pid() AS pid');
  const stat = fs.readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

async function cloneAndCheck(source: any, req: Record<string, unknown>, want: State, what: string): Promise<void> {
  const res = await client.CloneDBInstance({
    DBInstanceId: source.DBInstanceId, SpecCode: 'cdb.pg.z1.2g', Storage: 10, Period: 1, AutoRenewFlag: 0, InstanceChargeType: 'POSTPAID_BY_HOUR',
    VpcId: source.VpcId, SubnetId: source.SubnetId, DBNodeSet: [{ Role: 'Primary', Zone: source.Zone }], ...req,
  });
  const clone = await waitRunning(client, svc, res.DBInstanceId!);
  const c = await login(clone, 'dbadmin', PASSWORD);
  try {
    assert.deepEqual(await stateOf(c), want, what);
  } finally {
    await c.end();
  }
}

test(`PostgreSQL ${MAJOR} HA: after a SIGKILL failover the new primary archives; clones before and after it are exact`, { timeout: 600_000 }, async () => {
  const created = await client.CreateInstances(createRequest({ DBMajorVersion: MAJOR, Name: 'ha-src' }));
  const id = created.DBInstanceIdSet![0]!;
  const inst = await waitRunning(client, svc, id);
  assert.equal(inst.DBNodeSet.length, 2);
  let c = await login(inst, 'dbadmin', PASSWORD);
  await c.query('CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
  await batch(c, 1, 300);
  const { BaseBackupId } = await client.CreateBaseBackup({ DBInstanceId: id });
  assert.equal((await waitBackup(client, BaseBackupId!)).State, 'finished');
  await batch(c, 301, 100);
  const s1 = await stateOf(c);
  const m1 = await nextSecond(c);
  const oldPrimary = await postmasterOf(c);
  await c.end();
  process.kill(oldPrimary, 'SIGKILL');
  // The failover: the instance is running again on the promoted standby, at the same address.
  let back: any;
  for (;;) {
    back = await waitRunning(client, svc, id);
    c = await login(back, 'dbadmin', PASSWORD).catch(() => undefined as any);
    if (c && (await postmasterOf(c).catch(() => oldPrimary)) !== oldPrimary) break;
    await c?.end().catch(() => {});
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    // Semi-sync: every commit acknowledged before the kill is there.
    assert.deepEqual(await stateOf(c), s1);
    await batch(c, 401, 100);
    await c.query("UPDATE t SET v = 'after failover' WHERE id % 5 = 0");
    const s2 = await stateOf(c);
    const m2 = await nextSecond(c);
    await batch(c, 501, 10);
    // The timeline switch is in the archive, and segments of the new timeline are listed.
    const logs = (await client.DescribeLogBackups({ Filters: [{ Name: 'db-instance-id', Values: [id] }], Limit: 100 })).LogBackupSet!;
    await cloneAndCheck(back, { RecoveryTargetTime: apiTime(m1) }, s1, 'before the failover');
    await cloneAndCheck(back, { RecoveryTargetTime: apiTime(m2) }, s2, 'after the failover');
    const after = (await client.DescribeLogBackups({ Filters: [{ Name: 'db-instance-id', Values: [id] }], Limit: 100 })).LogBackupSet!;
    assert.ok(after.some((l) => /^00000002\.history$/.test(l.Name!)), `timeline history archived (${after.map((l) => l.Name).join(' ')})`);
    assert.ok(after.some((l) => /^00000002[0-9A-F]{16}$/.test(l.Name!)), 'segments of the new timeline archived');
    assert.ok(after.length >= logs.length);
  } finally {
    await c.end();
  }
});

test(`PostgreSQL ${MAJOR}: a kill -9 of pgcloud right after CreateBaseBackup; the backup is taken after the restart and restores exactly`, { timeout: 600_000 }, async () => {
  const created = await client.CreateInstances(createRequest({ DBMajorVersion: MAJOR, Name: 'kill-src', DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }] }));
  const id = created.DBInstanceIdSet![0]!;
  let inst = await waitRunning(client, svc, id);
  let c = await login(inst, 'dbadmin', PASSWORD);
  await c.query('CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
  // Enough data that the copy takes a moment.
  await batch(c, 1, 200_000);
  const want = await stateOf(c);
  await c.end();
  const { BaseBackupId } = await client.CreateBaseBackup({ DBInstanceId: id });
  await svc.kill9();
  await svc.restart();
  const b = await waitBackup(client, BaseBackupId!);
  assert.equal(b.State, 'finished');
  inst = await waitRunning(client, svc, id);
  c = await login(inst, 'dbadmin', PASSWORD);
  await batch(c, 200_001, 10);
  await c.end();
  await cloneAndCheck(inst, { BackupSetId: BaseBackupId }, want, 'the backup set taken across a restart');
  // Nothing of the interrupted attempt is left in the backup store.
  const base = `${svc.dataDir}/engine/backups/${id}/base`;
  assert.deepEqual(fs.readdirSync(base).sort(), [BaseBackupId]);
  const manifest = JSON.parse(fs.readFileSync(`${base}/${BaseBackupId}/manifest.json`, 'utf8'));
  assert.equal(manifest.files.reduce((s: number, f: any) => s + f.size, 0), b.Size);
  assert.ok(manifest.files.every((f: any) => /^[0-9a-f]{64}$/.test(f.sha256)));
});
