// Backups that really restore, through the official SDK against a real `pgcloud serve`: every
// instance archives its WAL; CreateBaseBackup takes a base backup (start/stop LSN, size, a checksum of
// every file); rows are written in batches with the server's clock noted between them; CloneDBInstance
// to each noted moment and to the backup set makes new instances (own order, own address, the source's
// admin account) holding exactly the rows committed before that moment: the same count and checksum,
// never one row more or less. A time outside DescribeAvailableRecoveryTime is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startService, type TestService } from './support/service.ts';
import { PASSWORD, createRequest, errorCode, login, postgresClient, type PostgresClient } from './support/sdk.ts';
import { apiTime, batch, fromApiTime, nextSecond, stateOf, waitBackup, waitRunning, type State } from './support/backup.ts';

const MAJORS = (process.env.PGCLOUD_TEST_BACKUP_MAJORS ?? '13,10,18').split(',').map((s) => s.trim()).filter(Boolean);

let svc: TestService;
let client: PostgresClient;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: MAJORS.join(',') } });
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

for (const major of MAJORS) {
  test(`PostgreSQL ${major}: clones to noted moments and to a backup set hold exactly the rows committed before`, { timeout: 600_000 }, async () => {
    const created = await client.CreateInstances(createRequest({ DBMajorVersion: major, Name: `src-${major}` }));
    const id = created.DBInstanceIdSet![0]!;
    const source = await waitRunning(client, svc, id);
    const c = await login(source, 'dbadmin', PASSWORD);
    try {
      await c.query('CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
      await batch(c, 1, 500);
      const atBackup = await stateOf(c);

      // No backup yet: nothing to restore to.
      assert.equal(await errorCode(client.DescribeAvailableRecoveryTime({ DBInstanceId: id })), 'FailedOperation.FailedOperationError');

      const { BaseBackupId } = await client.CreateBaseBackup({ DBInstanceId: id });
      assert.match(BaseBackupId!, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const backup = await waitBackup(client, BaseBackupId!);
      assert.equal(backup.State, 'finished');
      assert.equal(backup.DBInstanceId, id);
      assert.equal(backup.BackupMethod, 'physical');
      assert.equal(backup.BackupMode, 'manual');
      assert.ok(backup.Size > 1_000_000, `backup size ${backup.Size}`);
      assert.match(backup.FinishTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      assert.ok(backup.ExpireTime > backup.FinishTime);

      // Batches, the server's clock noted between them; one more batch after the last moment.
      const moments: Array<{ at: Date; state: State }> = [];
      let next = 501;
      for (let i = 0; i < 3; i++) {
        await batch(c, next, 100 + i);
        next += 100 + i;
        // Updates and deletes too: a clone must see them as of its moment.
        await c.query('UPDATE t SET v = v || $1 WHERE id % 7 = $2', [`u${i}`, i]);
        await c.query('DELETE FROM t WHERE id % 11 = $1', [i]);
        const state = await stateOf(c);
        moments.push({ at: await nextSecond(c), state });
      }
      await batch(c, next, 50);
      // The admin account may not call pg_switch_wal (as on the real service): CloneDBInstance has the
      // service end the source's WAL segment and wait for it to be archived.
      assert.equal(await c.query('SELECT pg_switch_wal()').then(() => 'allowed', (e) => e.code), '42501');
      const final = await stateOf(c);
      assert.notDeepEqual(final, moments[2]!.state);

      const window = await client.DescribeAvailableRecoveryTime({ DBInstanceId: id });
      assert.ok(fromApiTime(window.RecoveryBeginTime!) <= moments[0]!.at, `window begins ${window.RecoveryBeginTime}`);
      assert.ok(fromApiTime(window.RecoveryEndTime!) >= moments[2]!.at, `window ends ${window.RecoveryEndTime}`);

      const logs = await client.DescribeLogBackups({ Filters: [{ Name: 'db-instance-id', Values: [id] }], Limit: 100 });
      assert.ok(logs.TotalCount! >= 1, 'archived WAL is listed');
      assert.ok(logs.LogBackupSet!.every((l) => /^[0-9A-F]{24}(\.partial)?$|^[0-9A-F]{8}\.history$/.test(l.Name!) && l.State === 'finished'));

      const attr = source;
      const cloneReq = {
        DBInstanceId: id, SpecCode: 'cdb.pg.z1.2g', Storage: 10, Period: 1, AutoRenewFlag: 0, InstanceChargeType: 'POSTPAID_BY_HOUR',
        VpcId: attr.VpcId, SubnetId: attr.SubnetId,
      };
      // Outside the window, both or neither of BackupSetId and RecoveryTargetTime: refused, nothing ordered.
      const before = (await client.DescribeDBInstances({})).TotalCount!;
      const early = apiTime(new Date(fromApiTime(window.RecoveryBeginTime!).getTime() - 3600_000));
      assert.equal(await errorCode(client.CloneDBInstance({ ...cloneReq, RecoveryTargetTime: early })), 'InvalidParameterValue.InvalidParameterValueError');
      const late = apiTime(new Date(Date.now() + 3600_000));
      assert.equal(await errorCode(client.CloneDBInstance({ ...cloneReq, RecoveryTargetTime: late })), 'InvalidParameterValue.InvalidParameterValueError');
      assert.equal(await errorCode(client.CloneDBInstance({ ...cloneReq })), 'InvalidParameterValue.InvalidParameterValueError');
      assert.equal(await errorCode(client.CloneDBInstance({ ...cloneReq, BackupSetId: BaseBackupId, RecoveryTargetTime: apiTime(moments[0]!.at) })), 'InvalidParameterValue.InvalidParameterValueError');
      assert.equal((await client.DescribeDBInstances({})).TotalCount, before);

      const targets: Array<{ what: string; req: Record<string, unknown>; want: State }> = [
        { what: 'backup set', req: { BackupSetId: BaseBackupId }, want: atBackup },
        ...moments.map((m, i) => ({ what: `moment ${i + 1} (${apiTime(m.at)})`, req: { RecoveryTargetTime: apiTime(m.at) }, want: m.state })),
      ];
      const deals = new Set<string>();
      const addressOf = (i: any) => {
        const n = (i.DBInstanceNetInfo as any[]).find((x) => x.NetType === 'private');
        return `${n.Ip}:${n.Port}`;
      };
      const addresses = new Set<string>([addressOf(source)]);
      for (const t of targets) {
        const res = await client.CloneDBInstance({ ...cloneReq, ...t.req, Name: `clone-${major}` });
        assert.match(res.DBInstanceId!, /^postgres-[a-z0-9]{8}$/);
        assert.ok(res.DealName && !deals.has(res.DealName), 'an order of its own');
        deals.add(res.DealName!);
        assert.ok(res.BillId);
        const clone = await waitRunning(client, svc, res.DBInstanceId!);
        assert.equal(clone.DBVersion, source.DBVersion);
        assert.equal(clone.DBInstanceName, `clone-${major}`);
        const address = addressOf(clone);
        assert.ok(!addresses.has(address), `its own address (${address})`);
        addresses.add(address);
        // The source's admin account and password log in to the clone.
        const cc = await login(clone, 'dbadmin', PASSWORD);
        try {
          assert.deepEqual(await stateOf(cc), t.want, `clone to ${t.what}`);
          // A promoted primary: writable, and not in recovery.
          assert.equal((await cc.query('SELECT pg_is_in_recovery() AS r')).rows[0].r, false);
          await cc.query('INSERT INTO t VALUES (-1, $1)', ['written on the clone']);
        } finally {
          await cc.end();
        }
      }
      // The source is untouched by its clones.
      assert.deepEqual(await stateOf(c), final);

      // ModifyBaseBackupExpireTime: a time in the past is refused, a later one is what is listed.
      assert.equal(await errorCode(client.ModifyBaseBackupExpireTime({ DBInstanceId: id, BaseBackupId: BaseBackupId!, NewExpireTime: '2020-01-01 00:00:00' })), 'InvalidParameterValue.InvalidParameterValueError');
      await client.ModifyBaseBackupExpireTime({ DBInstanceId: id, BaseBackupId: BaseBackupId!, NewExpireTime: '2099-01-01 08:00:00' });
      const listed = await client.DescribeBaseBackups({ Filters: [{ Name: 'db-instance-id', Values: [id] }] });
      assert.equal(listed.TotalCount, 1);
      assert.equal(listed.BaseBackupSet![0]!.ExpireTime, '2099-01-01 08:00:00');
      // DeleteBaseBackup: listed no more, its files go, and it can no longer be cloned from.
      await client.DeleteBaseBackup({ DBInstanceId: id, BaseBackupId: BaseBackupId! });
      assert.equal((await client.DescribeBaseBackups({ Filters: [{ Name: 'db-instance-id', Values: [id] }] })).TotalCount, 0);
      assert.equal(await errorCode(client.CloneDBInstance({ ...cloneReq, BackupSetId: BaseBackupId })), 'InvalidParameterValue.InvalidParameterValueError');
      assert.equal(await errorCode(client.DeleteBaseBackup({ DBInstanceId: id, BaseBackupId: BaseBackupId! })), 'InvalidParameterValue.InvalidParameterValueError');
      const dir = path.join(svc.dataDir, 'engine', 'backups', id, 'base', BaseBackupId!);
      for (let i = 0; fs.existsSync(dir); i++) {
        assert.ok(i < 600, 'the deleted backup set\'s files are removed');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await c.end();
    }
  });
}
