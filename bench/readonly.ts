// bench/readonly.ts: what a read-only group's address (pgcloud's TCP relay) costs, next to a direct
// connection to one of its members, in the same run: connection set-up (connect + SCRAM login + first
// query, p50/p95 over --conns sequential connections) and simple-query throughput (SELECT 1 over
// --clients parallel sessions for --seconds).
//   node --import tsx bench/readonly.ts [--conns 200] [--clients 8] [--seconds 5] [--major 16]
import pg from 'pg';
import { startService } from '../test/support/service.ts';
import { createRequest, postgresClient, waitForStatus, PASSWORD } from '../test/support/sdk.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CONNS = arg('conns', 200);
const CLIENTS = arg('clients', 8);
const SECONDS = arg('seconds', 5);
const MAJOR = String(arg('major', 16));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

type Address = { host: string; port: number };
const open = async (a: Address) => {
  const c = new pg.Client({ host: a.host, port: a.port, user: 'dbadmin', password: PASSWORD, database: 'postgres' });
  c.on('error', () => {});
  await c.connect();
  return c;
};

async function setup(a: Address): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < CONNS; i++) {
    const t = performance.now();
    const c = await open(a);
    await c.query('SELECT 1');
    ms.push(performance.now() - t);
    await c.end();
  }
  return ms;
}

async function throughput(a: Address): Promise<number> {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => open(a)));
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < end) {
        await c.query('SELECT 1');
        n++;
      }
    }),
  );
  await Promise.all(clients.map((c) => c.end()));
  return n / SECONDS;
}

const svc = await startService({ env: { PGCLOUD_PREWARM: MAJOR } });
try {
  const client = postgresClient(svc);
  const masterId = (await client.CreateInstances(createRequest({ DBMajorVersion: MAJOR, DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }] }))).DBInstanceIdSet![0]!;
  await waitForStatus(client, masterId, 'running', 180_000);
  const groupId = (await client.CreateReadOnlyGroup({ MasterDBInstanceId: masterId, Name: 'bench', ReplayLagEliminate: 0, ReplayLatencyEliminate: 0, MaxReplayLag: 0, MaxReplayLatency: 0, MinDelayEliminateReserve: 0 })).ReadOnlyGroupId!;
  const ids = (await client.CreateReadOnlyDBInstance({ MasterDBInstanceId: masterId, Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, Period: 1, InstanceCount: 2, InstanceChargeType: 'POSTPAID_BY_HOUR', ReadOnlyGroupId: groupId })).DBInstanceIdSet!;
  const members = await Promise.all(ids.map((id) => waitForStatus(client, id, 'running', 180_000)));
  let group: any;
  for (;;) {
    group = (await client.DescribeReadOnlyGroups({ Filters: [{ Name: 'db-master-instance-id', Values: [masterId] }] })).ReadOnlyGroupList![0];
    if (group?.Status === 'ok') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // Both members in the relay before measuring: connections through it reach each.
  await new Promise((r) => setTimeout(r, 1500));
  const direct: Address = { host: members[0].DBInstanceNetInfo[0].Ip, port: members[0].DBInstanceNetInfo[0].Port };
  const relayed: Address = { host: group.DBInstanceNetInfo[0].Ip, port: group.DBInstanceNetInfo[0].Port };
  await setup(direct); // warm both paths once (caches, prepared SCRAM work on the servers)
  await setup(relayed);
  const d = await setup(direct);
  const r = await setup(relayed);
  const dq = await throughput(direct);
  const rq = await throughput(relayed);
  console.log(`read-only group address vs a direct connection to one member (PostgreSQL ${MAJOR}, ${CONNS} connections, ${CLIENTS} clients for ${SECONDS} s)`);
  console.log(`connection set-up   direct p50 ${pct(d, 50).toFixed(2)} ms p95 ${pct(d, 95).toFixed(2)} ms   group p50 ${pct(r, 50).toFixed(2)} ms p95 ${pct(r, 95).toFixed(2)} ms   relay cost p50 ${(pct(r, 50) - pct(d, 50)).toFixed(2)} ms`);
  console.log(`SELECT 1 throughput direct ${dq.toFixed(0)} q/s   group ${rq.toFixed(0)} q/s (over 2 members)   ratio ${(rq / dq).toFixed(2)}`);
} finally {
  await svc.cleanup();
}
