// NeedSupportTDE end to end through the official SDK against a real `pgcloud serve`. Where this host has
// the encryption layer (gocryptfs, fusermount, /dev/fuse): a TDE instance keeps its data files encrypted
// (a marker row, checkpointed, is nowhere in its files on disk, while a plain instance's files hold it),
// serves the row again after RestartDBInstance and after a restart of the service, shows its key in
// DescribeEncryptionKeys, and leaves no mount behind (graceful stop, isolate, destroy). Where it lacks the
// layer: the catalogue says IsSupportTDE 0 and NeedSupportTDE 1 is refused, naming what to install.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { encryptionMissing } from '../src/engine/local/encryption.ts';
import { superuserClient } from '../src/engine/local/roles.ts';
import { startService, fuseMountsUnder, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, errorOf, waitForStatus, login, type PostgresClient } from './support/sdk.ts';
import { kmsClient } from './support/clients.ts';

let svc: TestService;
let pgc: PostgresClient;
const missing = encryptionMissing();

const PASSWORD = 'Pgcloud#2026pw';
const base = createRequest({ DBMajorVersion: '16' });

before(async () => {
  svc = await startService();
  pgc = postgresClient(svc);
});
after(async () => {
  const dir = svc?.dataDir;
  await svc?.cleanup();
  if (dir) assert.deepEqual(fuseMountsUnder(dir), [], 'no FUSE mount is left under the data directory');
});

const instanceDir = (id: string) => path.join(svc.dataDir, 'engine', 'instances', id);

/** Regular files under dir, symlinks (data -> plain/pgdata) and the cleartext mount point skip left out. */
const filesOnDisk = (dir: string, skip: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return full === skip ? [] : filesOnDisk(full, skip);
    return e.isFile() ? [full] : [];
  });
/** Files of the instance's directory on disk (its plain/ mount point excluded) that contain needle. */
const holding = (dir: string, needle: string): string[] => filesOnDisk(dir, path.join(dir, 'plain')).filter((f) => fs.readFileSync(f).includes(needle));

// Only the path this host can take is registered, and its name says which one ran (no skipped test).
const refusalPath = async () => {
  const info = (await pgc.DescribeProductConfig({ Zone: 'ap-guangzhou-3' })).SpecInfoList![0]!;
  assert.deepEqual(info.SupportKMSRegions, []);
  assert.ok(info.SpecItemInfoList!.every((i) => i.IsSupportTDE === 0));
  assert.ok((await pgc.DescribeDBVersions({})).VersionSet!.every((v) => !v.SupportedFeatureNames!.includes('TDE')));
  const e = await errorOf(pgc.CreateInstances({ ...base, NeedSupportTDE: 1 }));
  assert.equal(e.code, 'UnsupportedOperation');
  assert.match(e.message, /apt-get install gocryptfs fuse3/);
};

const encryptedPath = async () => {
  // The catalogue offers it.
  const info = (await pgc.DescribeProductConfig({ Zone: 'ap-guangzhou-3' })).SpecInfoList![0]!;
  assert.ok(info.SupportKMSRegions!.includes('ap-guangzhou'));
  assert.ok(info.SpecItemInfoList!.every((i) => i.IsSupportTDE === 1));
  assert.ok((await pgc.DescribeDBVersions({})).VersionSet!.every((v) => v.SupportedFeatureNames!.includes('TDE')));

  const kms = kmsClient(svc);
  const keyId = (await kms.CreateKey({ Alias: 'pg-tde', Description: 'TDE test key' })).KeyId!;
  const disabled = (await kms.CreateKey({ Alias: 'pg-off' })).KeyId!;
  await kms.DisableKey({ KeyId: disabled });

  // Refusals: an unknown or disabled key, a key of another region, a standby, KMS fields without TDE.
  assert.equal(await errorCode(pgc.CreateInstances({ ...base, NeedSupportTDE: 1, KMSKeyId: '00000000-0000-0000-0000-000000000000' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(pgc.CreateInstances({ ...base, NeedSupportTDE: 1, KMSKeyId: disabled })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(pgc.CreateInstances({ ...base, NeedSupportTDE: 1, KMSKeyId: keyId, KMSRegion: 'ap-shanghai' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(pgc.CreateInstances({ ...base, NeedSupportTDE: 1, KMSRegion: 'ap-mars' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(pgc.CreateInstances({ ...base, KMSKeyId: keyId })), 'InvalidParameterValue.InvalidParameterValueError');
  const standby = await errorOf(pgc.CreateInstances({ ...base, NeedSupportTDE: 1, DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }, { Role: 'Standby', Zone: 'ap-guangzhou-3' }] }));
  assert.equal(standby.code, 'UnsupportedOperation');
  assert.match(standby.message, /Standby/);

  const [tdeId] = (await pgc.CreateInstances({ ...base, NeedSupportTDE: 1, KMSKeyId: keyId, Name: 'tde' })).DBInstanceIdSet!;
  const [plainId] = (await pgc.CreateInstances({ ...base, Name: 'plain' })).DBInstanceIdSet!;
  const tdeInst = await waitForStatus(pgc, tdeId!, 'running', 120_000);
  const plainInst = await waitForStatus(pgc, plainId!, 'running', 120_000);
  assert.equal(tdeInst.IsSupportTDE, 1);
  assert.equal(plainInst.IsSupportTDE, 0);
  assert.ok(fuseMountsUnder(instanceDir(tdeId!)).length === 1, 'the TDE instance runs on a FUSE mount');
  assert.deepEqual(fuseMountsUnder(instanceDir(plainId!)), []);

  // A marker row in both, checkpointed so that it is in the data files, not only in the WAL.
  const marker = `pgcloud-tde-marker-${randomBytes(8).toString('hex')}`;
  for (const inst of [tdeInst, plainInst]) {
    const c = await login(inst, 'dbadmin', PASSWORD);
    await c.query('CREATE TABLE secrets (v text)');
    await c.query('INSERT INTO secrets VALUES ($1)', [marker]);
    await c.end();
    const port = inst.DBInstanceNetInfo.find((n: any) => n.NetType === 'private').Port;
    const su = await superuserClient(path.join(instanceDir(inst.DBInstanceId), 'sock'), port);
    await su.query('CHECKPOINT');
    await su.end();
  }
  assert.ok(holding(instanceDir(plainId!), marker).length > 0, 'the plain instance keeps the marker in the clear (the scan works)');
  assert.deepEqual(holding(instanceDir(tdeId!), marker), [], 'the marker is nowhere in the TDE instance\'s files on disk');
  assert.ok(fs.existsSync(path.join(instanceDir(tdeId!), 'cipher', 'gocryptfs.conf')));

  // The key: described, and protected while in use.
  const keys = (await pgc.DescribeEncryptionKeys({ DBInstanceId: tdeId! })).EncryptionKeys!;
  assert.equal(keys.length, 1);
  assert.deepEqual([keys[0]!.KeyId, keys[0]!.KeyAlias, keys[0]!.IsEnabled, keys[0]!.KeyRegion], [keyId, 'pg-tde', 1, 'ap-guangzhou']);
  assert.ok(keys[0]!.DEKCipherTextBlob!.length > 40);
  assert.match(keys[0]!.CreateTime!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.deepEqual((await pgc.DescribeEncryptionKeys({ DBInstanceId: plainId! })).EncryptionKeys, []);
  assert.equal(await errorCode(kms.DisableKey({ KeyId: keyId })), 'FailedOperation.CmkUsedByCloudProduct');

  const marked = async (inst: any) => {
    const c = await login(inst, 'dbadmin', PASSWORD);
    const { rows } = await c.query('SELECT v FROM secrets');
    await c.end();
    return rows.map((r) => r.v);
  };

  // RestartDBInstance: the server comes back on its mount and serves the row.
  await pgc.RestartDBInstance({ DBInstanceId: tdeId! });
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await marked(await waitForStatus(pgc, tdeId!, 'running', 120_000)), [marker]);

  // A graceful stop of the service stops the servers and unmounts; started again, it mounts and serves.
  await svc.stop();
  assert.deepEqual(fuseMountsUnder(svc.dataDir), [], 'a graceful stop unmounts');
  assert.deepEqual(holding(instanceDir(tdeId!), marker), []);
  await svc.restart();
  assert.deepEqual(await marked(await waitForStatus(pgc, tdeId!, 'running', 120_000)), [marker]);

  // A TDE instance with the service-managed key (no KMSKeyId).
  const [managedId] = (await pgc.CreateInstances({ ...base, NeedSupportTDE: 1, Name: 'managed' })).DBInstanceIdSet!;
  await waitForStatus(pgc, managedId!, 'running', 120_000);
  const managed = (await pgc.DescribeEncryptionKeys({ DBInstanceId: managedId! })).EncryptionKeys!;
  assert.equal(managed.length, 1);
  assert.equal(managed[0]!.KeyAlias, 'kms-postgres');
  assert.notEqual(managed[0]!.KeyId, keyId);

  // Isolate unmounts; destroy removes the instance and leaves no mount.
  for (const id of [tdeId!, managedId!]) {
    await pgc.IsolateDBInstances({ DBInstanceIdSet: [id] });
    await waitForStatus(pgc, id, 'isolated', 60_000);
    assert.deepEqual(fuseMountsUnder(instanceDir(id)), [], 'an isolated TDE instance is unmounted');
    await pgc.DestroyDBInstance({ DBInstanceId: id });
  }
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (fs.existsSync(instanceDir(tdeId!)) || fs.existsSync(instanceDir(managedId!)))) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!fs.existsSync(instanceDir(tdeId!)) && !fs.existsSync(instanceDir(managedId!)), 'destroyed instances are removed');
  assert.deepEqual(fuseMountsUnder(svc.dataDir), []);
  // The key is free again once its instance is gone.
  await kms.DisableKey({ KeyId: keyId });
};

if (missing.length) test(`TDE refused on a host without the encryption layer (this host lacks: ${missing.join(', ')})`, refusalPath);
else test('TDE with gocryptfs: data files encrypted at rest, served after restarts, key described, no mount left', { timeout: 300_000 }, encryptedPath);
