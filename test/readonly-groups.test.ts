// Read-only groups end to end, through the official SDK against a real `pgcloud serve`: a group's own
// address (pgcloud's TCP relay) spreads connections over its members by weight (Rebalance: by spec,
// memory in GB), members join and leave with Add/RemoveDBInstanceToReadOnlyGroup, and a group with
// members cannot be deleted. Each connection tells which member served it by inet_server_addr().
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, waitForStatus, login, errorOf, type PostgresClient } from './support/sdk.ts';
import { waitFor } from './support/processes.ts';
import { Layout } from '../src/engine/local/layout.ts';
import { BOOTSTRAP_USER } from '../src/engine/local/config.ts';

const PASSWORD = 'Pgcloud#2026pw';

let svc: TestService;
let client: PostgresClient;
before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '16' } });
  client = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

const taskDone = (flowId: number) =>
  waitFor(`task ${flowId}`, async () => ((await client.DescribeTasks({ TaskId: flowId })).TaskSet?.[0]?.Status === 'Success' ? true : undefined), 60_000);

async function groupOf(masterId: string, groupId: string): Promise<any> {
  const res = await client.DescribeReadOnlyGroups({ Filters: [{ Name: 'db-master-instance-id', Values: [masterId] }, { Name: 'read-only-group-id', Values: [groupId] }] });
  return res.ReadOnlyGroupList?.[0];
}

/** Opens n connections to the group's address one after another; how many each member (by its address) served. */
async function spread(address: { Ip: string; Port: number }, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const db = new pg.Client({ host: address.Ip, port: address.Port, user: 'dbadmin', password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 10_000 });
    db.on('error', () => {});
    await db.connect();
    const { rows } = await db.query('SELECT host(inet_server_addr()) AS ip, inet_server_port() AS port, pg_is_in_recovery() AS ro');
    assert.equal(rows[0].ro, true);
    const key = `${rows[0].ip}:${rows[0].port}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    await db.end();
  }
  return counts;
}

const addressOf = (inst: any): string => `${inst.DBInstanceNetInfo[0].Ip}:${inst.DBInstanceNetInfo[0].Port}`;

test('a read-only group spreads 100 connections over its three members by weight; members join and leave', async () => {
  const created = await client.CreateInstances(createRequest({ DBMajorVersion: '16', DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }] }));
  const masterId = created.DBInstanceIdSet![0]!;
  const master = await waitForStatus(client, masterId, 'running', 120_000);
  const setup = await login(master, 'dbadmin', PASSWORD);
  await setup.query('CREATE TABLE t AS SELECT generate_series(1, 10) AS id');
  await setup.end();

  // Refusals: the master filter is required; a group of a read-only instance, a group that does not exist.
  assert.equal((await errorOf(client.DescribeReadOnlyGroups({}))).code, 'InvalidParameterValue.InvalidParameterValueError');
  const made = await client.CreateReadOnlyGroup({ MasterDBInstanceId: masterId, Name: 'readers', ReplayLagEliminate: 0, ReplayLatencyEliminate: 0, MaxReplayLag: 0, MaxReplayLatency: 0, MinDelayEliminateReserve: 0 });
  const groupId = made.ReadOnlyGroupId!;
  assert.match(groupId, /^pgrogrp-[a-z0-9]{8}$/);
  await taskDone(made.FlowId!);
  let group = await groupOf(masterId, groupId);
  assert.equal(group.Status, 'ok');
  assert.equal(group.ReadOnlyGroupName, 'readers');
  assert.equal(group.MasterDBInstanceId, masterId);
  assert.equal(group.DBInstanceNetInfo[0].Status, 'opened');
  assert.deepEqual(group.ReadOnlyDBInstanceList, []);
  const groupAddress = group.DBInstanceNetInfo[0];

  // Two 2 GB members made in the group, one 4 GB member added afterwards: weights 2, 2 and 4.
  const ro = { MasterDBInstanceId: masterId, Zone: 'ap-guangzhou-3', Storage: 10, Period: 1, InstanceChargeType: 'POSTPAID_BY_HOUR' };
  assert.equal((await errorOf(client.CreateReadOnlyDBInstance({ ...ro, SpecCode: 'cdb.pg.z1.2g', InstanceCount: 1, ReadOnlyGroupId: 'pgrogrp-nonexist' }))).code, 'InvalidParameterValue.ReadOnlyGroupNotExist');
  const small = (await client.CreateReadOnlyDBInstance({ ...ro, SpecCode: 'cdb.pg.z1.2g', InstanceCount: 2, ReadOnlyGroupId: groupId })).DBInstanceIdSet!;
  const big = (await client.CreateReadOnlyDBInstance({ ...ro, SpecCode: 'cdb.pg.z1.4g', InstanceCount: 1 })).DBInstanceIdSet![0]!;
  const members = new Map<string, string>();
  for (const id of [...small, big]) members.set(id, addressOf(await waitForStatus(client, id, 'running', 120_000)));
  assert.equal((await client.DescribeDBInstanceAttribute({ DBInstanceId: big })).DBInstance!.StatusInReadonlyGroup, '');
  const added = await client.AddDBInstanceToReadOnlyGroup({ DBInstanceId: big, ReadOnlyGroupId: groupId });
  await taskDone(added.FlowId!);
  assert.equal((await errorOf(client.AddDBInstanceToReadOnlyGroup({ DBInstanceId: big, ReadOnlyGroupId: groupId }))).code, 'FailedOperation.ROInstanceHasInROGroupError');
  assert.equal((await errorOf(client.AddDBInstanceToReadOnlyGroup({ DBInstanceId: masterId, ReadOnlyGroupId: groupId }))).code, 'InvalidParameterValue.InvalidParameterValueError');
  group = await groupOf(masterId, groupId);
  assert.deepEqual(group.ReadOnlyDBInstanceList.map((i: any) => i.DBInstanceId).sort(), [...small, big].sort());
  assert.ok(group.ReadOnlyDBInstanceList.every((i: any) => i.StatusInReadonlyGroup === 'ok'));

  // 100 connections: 25, 25 and 50 (smooth weighted round robin is exact over any whole number of rounds of 8, and
  // these are the relay's first 100 connections).
  const counts = await spread(groupAddress, 100);
  assert.deepEqual(
    Object.fromEntries([...members].map(([id, addr]) => [id, counts.get(addr) ?? 0])),
    { [small[0]!]: 25, [small[1]!]: 25, [big]: 50 },
  );
  assert.equal([...counts.values()].reduce((a, b) => a + b, 0), 100);

  // The big member leaves: the next 10 connections go to the two small ones only, 5 each.
  const removed = await client.RemoveDBInstanceFromReadOnlyGroup({ DBInstanceId: big, ReadOnlyGroupId: groupId });
  await taskDone(removed.FlowId!);
  const after = await spread(groupAddress, 10);
  assert.deepEqual(Object.fromEntries([...after].sort()), Object.fromEntries([[members.get(small[0]!)!, 5], [members.get(small[1]!)!, 5]].sort()));

  // One small member moves to a second group (ModifyDBInstanceReadOnlyGroup): each address serves its own member only.
  const second = await client.CreateReadOnlyGroup({ MasterDBInstanceId: masterId, Name: 'second', ReplayLagEliminate: 0, ReplayLatencyEliminate: 0, MaxReplayLag: 0, MaxReplayLatency: 0, MinDelayEliminateReserve: 0 });
  await taskDone(second.FlowId!);
  const moved = await client.ModifyDBInstanceReadOnlyGroup({ DBInstanceId: small[1]!, ReadOnlyGroupId: groupId, NewReadOnlyGroupId: second.ReadOnlyGroupId! });
  await taskDone(moved.FlowId!);
  const secondAddress = (await groupOf(masterId, second.ReadOnlyGroupId!)).DBInstanceNetInfo[0];
  assert.deepEqual(Object.fromEntries(await spread(groupAddress, 4)), { [members.get(small[0]!)!]: 4 });
  assert.deepEqual(Object.fromEntries(await spread(secondAddress, 4)), { [members.get(small[1]!)!]: 4 });
  // ModifyReadOnlyGroupConfig: renamed, Rebalance off (the member keeps its weight and its connections).
  await client.ModifyReadOnlyGroupConfig({ ReadOnlyGroupId: second.ReadOnlyGroupId!, ReadOnlyGroupName: 'renamed', Rebalance: 0 });
  const renamed = await groupOf(masterId, second.ReadOnlyGroupId!);
  assert.deepEqual([renamed.ReadOnlyGroupName, renamed.Rebalance], ['renamed', 0]);
  assert.equal((await errorOf(client.ModifyReadOnlyGroupConfig({ ReadOnlyGroupId: second.ReadOnlyGroupId!, ReplayLagEliminate: 1 }))).code, 'InvalidParameterValue.InvalidParameterValueError');
  await client.RebalanceReadOnlyGroup({ ReadOnlyGroupId: second.ReadOnlyGroupId! });
  assert.deepEqual(Object.fromEntries(await spread(secondAddress, 4)), { [members.get(small[1]!)!]: 4 });
  await taskDone((await client.RemoveDBInstanceFromReadOnlyGroup({ DBInstanceId: small[1]!, ReadOnlyGroupId: second.ReadOnlyGroupId! })).FlowId!);
  await taskDone((await client.DeleteReadOnlyGroup({ ReadOnlyGroupId: second.ReadOnlyGroupId! })).FlowId!);

  // A group with members is not deleted; an empty one is, and its address stops accepting connections.
  assert.equal((await errorOf(client.DeleteReadOnlyGroup({ ReadOnlyGroupId: groupId }))).code, 'FailedOperation.ROGroupCannotBeDeletedError');
  await taskDone((await client.RemoveDBInstanceFromReadOnlyGroup({ DBInstanceId: small[0]!, ReadOnlyGroupId: groupId })).FlowId!);
  const deleted = await client.DeleteReadOnlyGroup({ ReadOnlyGroupId: groupId });
  await taskDone(deleted.FlowId!);
  assert.equal(await groupOf(masterId, groupId), undefined);
  const refused = await new pg.Client({ host: groupAddress.Ip, port: groupAddress.Port, user: 'dbadmin', password: PASSWORD, connectionTimeoutMillis: 5000 }).connect().then(() => undefined, (e) => e);
  assert.equal(refused?.code, 'ECONNREFUSED');

  // Isolating the master isolates its read-only instances.
  await client.IsolateDBInstances({ DBInstanceIdSet: [masterId] });
  for (const id of [...small, big]) await waitForStatus(client, id, 'isolated', 60_000);
});

test('MaxReplayLatency: a member whose replay is held (pg_wal_replay_pause) leaves the spread and comes back once resumed', async () => {
  const created = await client.CreateInstances(createRequest({ DBMajorVersion: '16', DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }] }));
  const masterId = created.DBInstanceIdSet![0]!;
  const master = await waitForStatus(client, masterId, 'running', 120_000);
  const setup = await login(master, 'dbadmin', PASSWORD);
  await setup.query('CREATE TABLE filler (v text)');
  const made = await client.CreateReadOnlyGroup({ MasterDBInstanceId: masterId, Name: 'lag', ReplayLagEliminate: 1, ReplayLatencyEliminate: 1, MaxReplayLag: 3600, MaxReplayLatency: 1, MinDelayEliminateReserve: 0 });
  const groupId = made.ReadOnlyGroupId!;
  const ids = (await client.CreateReadOnlyDBInstance({ MasterDBInstanceId: masterId, Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, Period: 1, InstanceCount: 2, InstanceChargeType: 'POSTPAID_BY_HOUR', ReadOnlyGroupId: groupId })).DBInstanceIdSet!;
  const [held, other] = await Promise.all(ids.map((id) => waitForStatus(client, id, 'running', 120_000)));
  const group = await waitFor('the group with both members', async () => {
    const g = await groupOf(masterId, groupId);
    return g?.Status === 'ok' && g.ReadOnlyDBInstanceList.length === 2 ? g : undefined;
  });
  const address = group.DBInstanceNetInfo[0];
  // Both members take connections (weights 2 and 2: any 4 in a row hit each twice).
  await waitFor('both members in the spread', async () => ((await spread(address, 4)).size === 2 ? true : undefined));

  // Replay held on one member (as its server's superuser, over its socket), then 4 MB written on the master.
  const sb = new pg.Client({ host: new Layout(`${svc.dataDir}/engine`).instance(`${masterId}.${2}`).sock, port: held.DBInstanceNetInfo[0].Port, user: BOOTSTRAP_USER, database: 'postgres' });
  await sb.connect();
  assert.equal((await sb.query("SELECT current_setting('port') AS p")).rows[0].p, String(held.DBInstanceNetInfo[0].Port));
  await sb.query('SELECT pg_wal_replay_pause()');
  await setup.query("INSERT INTO filler SELECT repeat('x', 1000) FROM generate_series(1, 4000)");
  const heldAt = addressOf(held);
  const otherAt = addressOf(other);
  await waitFor('the held member out of the spread', async () => {
    const c = await spread(address, 4);
    return c.get(otherAt) === 4 ? true : undefined;
  });
  // Out for good while held: the next 10 all go to the other member.
  assert.deepEqual(Object.fromEntries(await spread(address, 10)), { [otherAt]: 10 });

  await sb.query('SELECT pg_wal_replay_resume()');
  await sb.end();
  await waitFor('the member back in the spread', async () => ((await spread(address, 4)).get(heldAt) === 2 ? true : undefined));
  await setup.end();
  await client.IsolateDBInstances({ DBInstanceIdSet: [masterId] });
});
