// Crashes and restarts are normal events: a graceful stop brings every instance back with its data,
// and a SIGKILL during provisioning leaves no duplicate server, no leaked port and nothing stuck.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, postmastersUnder, type TestService } from './support/service.ts';
import { createRequest, postgresClient, waitForStatus, login } from './support/sdk.ts';

const PASSWORD = 'Pgcloud#2026pw';
const request = createRequest({ DBMajorVersion: '16' });
const services: TestService[] = [];
after(async () => {
  for (const s of services) await s.cleanup();
});

test('SIGKILL while 10 instances are provisioning: after a restart all 10 run, once each', async () => {
  // No prewarm: the kill lands while templates and copies are still being made.
  const svc = await startService({ env: { PGCLOUD_PREWARM: 'none' } });
  services.push(svc);
  const client = postgresClient(svc);
  const res = await client.CreateInstances({ ...request, InstanceCount: 10 });
  const ids = res.DBInstanceIdSet!;
  assert.equal(ids.length, 10);
  // Let provisioning get under way, then kill the service outright.
  await new Promise((r) => setTimeout(r, 400));
  await svc.kill9();
  await svc.restart();
  const addresses = new Set<string>();
  for (const id of ids) {
    const inst = await waitForStatus(client, id, 'running');
    const priv = inst.DBInstanceNetInfo[0];
    addresses.add(`${priv.Ip}:${priv.Port}`);
    const db = await login(inst, 'dbadmin', PASSWORD);
    const { rows } = await db.query('SELECT 1 AS one');
    assert.equal(rows[0].one, 1);
    await db.end();
  }
  assert.equal(addresses.size, 10);
  assert.equal(postmastersUnder(svc.dataDir).length, 10);
});

test('a graceful stop stops the servers; the next start brings every instance back with its data', async () => {
  const svc = await startService();
  services.push(svc);
  const client = postgresClient(svc);
  const res = await client.CreateInstances({ ...request, InstanceCount: 2 });
  const ids = res.DBInstanceIdSet!;
  for (const id of ids) {
    const inst = await waitForStatus(client, id, 'running');
    const db = await login(inst, 'dbadmin', PASSWORD);
    await db.query('CREATE TABLE kept (v text)');
    await db.query("INSERT INTO kept VALUES ('still here')");
    await db.end();
  }
  await svc.stop();
  assert.equal(postmastersUnder(svc.dataDir).length, 0);
  await svc.restart();
  for (const id of ids) {
    const inst = await waitForStatus(client, id, 'running');
    const db = await login(inst, 'dbadmin', PASSWORD);
    const { rows } = await db.query('SELECT v FROM kept');
    assert.deepEqual(rows, [{ v: 'still here' }]);
    await db.end();
  }
  assert.equal(postmastersUnder(svc.dataDir).length, 2);
});

test('a server that dies is restarted by the reconciler', async () => {
  const svc = await startService();
  services.push(svc);
  const client = postgresClient(svc);
  const res = await client.CreateInstances({ ...request, InstanceCount: 1 });
  const inst = await waitForStatus(client, res.DBInstanceIdSet![0]!, 'running');
  const [pid] = postmastersUnder(svc.dataDir);
  assert.ok(pid);
  process.kill(pid!, 'SIGKILL');
  await waitForStatus(client, inst.DBInstanceId, 'restarting', 10_000, 5);
  const back = await waitForStatus(client, inst.DBInstanceId, 'running');
  const db = await login(back, 'dbadmin', PASSWORD);
  await db.end();
  const now = postmastersUnder(svc.dataDir);
  assert.equal(now.length, 1);
  assert.notEqual(now[0], pid);
});
