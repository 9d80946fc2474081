// OS users, directories and servers of instances that no longer exist are removed at start, and only
// those: several pgcloud services share a host, so a service touches only what is provably its own
// (marked with its instance directory, or under its engine directory) or provably orphaned (marked
// with a data directory that is gone). Needs root (instance users exist only then).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startService, postmastersUnder, uidOfUser, usersMarkedUnder, type TestService } from './support/service.ts';
import { createRequest, postgresClient, waitForStatus, login, PASSWORD } from './support/sdk.ts';
import { openStore } from '../src/store/db.ts';
import { instanceUserName } from '../src/engine/local/runas.ts';

const root = process.getuid?.() === 0;
const services: TestService[] = [];
const foreign: string[] = [];
const dirs: string[] = [];
after(async () => {
  for (const s of services) await s.cleanup();
  for (const u of foreign) if (uidOfUser(u) !== undefined) execFileSync('userdel', [u]);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const passwd = (name: string) => execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
const addUser = (name: string, home: string, comment: string) => {
  foreign.push(name);
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', home, '--comment', comment, '--shell', '/usr/sbin/nologin', name]);
};
const suffix = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0');

test('at start: the users, servers and files of instances the store no longer has are removed; other services’ users are left alone', async (t) => {
  if (!root) return t.skip('needs root: instance users exist only then');
  const svc = await startService({ env: { PGCLOUD_PREWARM: '16' } });
  services.push(svc);
  const client = postgresClient(svc);
  const res = await client.CreateInstances(createRequest({ DBMajorVersion: '16', InstanceCount: 2 }));
  const [kept, lost] = res.DBInstanceIdSet!;
  for (const id of [kept!, lost!]) await waitForStatus(client, id, 'running', 120_000);
  const instances = path.join(svc.dataDir, 'engine', 'instances');
  // Each user is marked with the instance directory that made it.
  for (const id of [kept!, lost!]) {
    const f = passwd(instanceUserName('pgcloud', id));
    assert.equal(f[5], path.join(instances, id));
    assert.equal(f[4], `pgcloud instance ${id}`);
  }

  // Users of other services: one whose data directory was deleted (orphaned), one of a live service whose
  // instance directory is not made yet (not ours), and one unmarked user of an earlier pgcloud (unknown).
  const gone = `pgcloud-${suffix()}`;
  addUser(gone, `/tmp/pgcloud-gone-${suffix()}/engine/instances/postgres-${gone.slice(8)}`, `pgcloud instance postgres-${gone.slice(8)}`);
  const live = `pgcloud-${suffix()}`;
  const liveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-live-'));
  dirs.push(liveDir);
  fs.mkdirSync(path.join(liveDir, 'engine', 'instances'), { recursive: true });
  addUser(live, path.join(liveDir, 'engine', 'instances', `postgres-${live.slice(8)}`), `pgcloud instance postgres-${live.slice(8)}`);
  const unmarked = `pgcloud-${suffix()}`;
  addUser(unmarked, `/home/${unmarked}`, '');

  // A crash, and a store where one of the instances is gone (recycled: as after a restored store, or a
  // destroy whose files an older pgcloud failed to remove).
  await svc.kill9();
  const lostPid = postmastersUnder(path.join(instances, lost!));
  assert.equal(lostPid.length, 1, 'its server outlived the service');
  const db = await openStore(svc.dataDir);
  await db.updateTable('instances').set({ desired_state: 'destroyed', status: 'recycled', host: null, port: null }).where('id', '=', lost!).execute();
  await db.destroy();
  await svc.restart();

  assert.equal(fs.existsSync(path.join(instances, lost!)), false, 'its directory is removed');
  assert.deepEqual(postmastersUnder(path.join(instances, lost!)), [], 'its server is gone');
  assert.equal(uidOfUser(instanceUserName('pgcloud', lost!)), undefined, 'its user is removed');
  assert.equal(uidOfUser(gone), undefined, 'a user whose data directory is gone is removed');
  assert.notEqual(uidOfUser(live), undefined, 'a live service’s user is left alone');
  assert.notEqual(uidOfUser(unmarked), undefined, 'an unmarked user that is not ours is left alone');
  // The instance the store has is untouched: same user, still serving.
  assert.notEqual(uidOfUser(instanceUserName('pgcloud', kept!)), undefined);
  const inst = await waitForStatus(client, kept!, 'running', 60_000);
  const c = await login(inst, 'dbadmin', PASSWORD);
  assert.equal((await c.query('SELECT 1 AS one')).rows[0].one, 1);
  await c.end();

  // Destroying the last one leaves no user of this service behind.
  await client.IsolateDBInstances({ DBInstanceIdSet: [kept!] });
  await waitForStatus(client, kept!, 'isolated', 60_000);
  await client.DestroyDBInstance({ DBInstanceId: kept! });
  const deadline = Date.now() + 60_000;
  while (usersMarkedUnder(svc.dataDir).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(usersMarkedUnder(svc.dataDir), []);
});
