// The chaos run behind test/chaos.test.ts (a few rounds) and bench/chaos.ts (minutes): a real
// `pgcloud serve` with HA and single-node instances under continuous writes, hit round after round
// by a fault (SIGKILL of pgcloud, of a primary, of a standby, of pgcloud right after a primary, of
// pgcloud while an instance is being provisioned), the service clock moved an hour on meanwhile so
// billing runs through the crashes. After each round, once everything is settled again:
// - every acknowledged commit is there;
// - each instance has exactly one primary (one server not in recovery), at the instance's address;
// - no server, OS user or instance directory exists that no live instance owns;
// - every account's balance (and frozen amount) is the sum of its ledger.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startService, postmastersUnder, usersMarkedUnder, type TestService } from './service.ts';
import { createRequest, postgresClient, waitForStatus, login, PASSWORD, type PostgresClient } from './sdk.ts';
import { assertLedgerBalanced, cli } from './billing.ts';
import { signalTree, waitFor } from './processes.ts';
import { Layout } from '../../src/engine/local/layout.ts';
import { instanceUserName } from '../../src/engine/local/runas.ts';
import { superuserClient } from '../../src/engine/local/roles.ts';

export const FAULTS = ['pgcloud', 'primary', 'standby', 'primary+pgcloud', 'provisioning+pgcloud'] as const;
export type Fault = (typeof FAULTS)[number];

interface Tracked {
  id: string;
  ha: boolean;
  acked: number[];
  stop: () => Promise<void>;
}

export interface ChaosOptions {
  /** The faults, in order. */
  faults: Fault[];
  log?: (line: string) => void;
  /** Deadline for everything to settle after a fault. */
  settleMs?: number;
  /** No new round after this time (Date.now()); the faults are taken in order until then. */
  until?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

/** Inserts rows one by one into t, each its own transaction, reconnecting after any error. */
function writer(client: PostgresClient, id: string): { acked: number[]; stop: () => Promise<void> } {
  const acked: number[] = [];
  let stopped = false;
  const done = (async () => {
    let db: pg.Client | undefined;
    for (let i = 1; !stopped; ) {
      try {
        if (!db) {
          const { DBInstance } = await client.DescribeDBInstanceAttribute({ DBInstanceId: id });
          db = await login(DBInstance, 'dbadmin', PASSWORD);
          db.on('error', () => {});
          await db.query('CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY)');
        }
        await db.query('INSERT INTO t VALUES ($1) ON CONFLICT DO NOTHING', [i]);
        acked.push(i);
        i++;
      } catch {
        await db?.end().catch(() => {});
        db = undefined;
        await sleep(50);
      }
    }
    await db?.end().catch(() => {});
  })();
  return { acked, stop: async () => ((stopped = true), await done) };
}

export async function runChaos(opts: ChaosOptions): Promise<{ rounds: number; commits: number }> {
  const log = opts.log ?? (() => {});
  const settleMs = opts.settleMs ?? 180_000;
  const svc: TestService = await startService({ env: { PGCLOUD_DEFAULT_STANDBY: '1', PGCLOUD_SEMISYNC_FALLBACK_MS: '2000', PGCLOUD_PREWARM: '16' } });
  const client = postgresClient(svc);
  const layout = new Layout(path.join(svc.dataDir, 'engine'));
  const tracked: Tracked[] = [];
  const root = process.getuid?.() === 0;
  try {
    const ha = await client.CreateInstances(createRequest({ DBMajorVersion: '16', InstanceCount: 2 }));
    const single = await client.CreateInstances(createRequest({ DBMajorVersion: '16', DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }] }));
    for (const [id, isHa] of [...ha.DBInstanceIdSet!.map((i) => [i, true] as const), [single.DBInstanceIdSet![0]!, false] as const]) {
      await waitForStatus(client, id, 'running', settleMs);
      tracked.push({ id, ha: isHa, ...writer(client, id) });
    }
    await waitFor('writes everywhere', async () => tracked.every((t) => t.acked.length >= 10), 60_000);

    const nodesOf = (t: Tracked) => (t.ha ? [t.id, `${t.id}.1`] : [t.id]);
    const postmasterOf = (engineId: string) => postmastersUnder(path.dirname(layout.instance(engineId).data))[0];
    /** The node of an instance that is not in recovery (asked over its socket as pgcloud's superuser). */
    const roles = async (t: Tracked) => {
      const out: Array<{ node: string; primary: boolean }> = [];
      for (const node of nodesOf(t)) {
        const pm = postmasterOf(node);
        if (!pm) continue;
        const port = Number(fs.readFileSync(`/proc/${pm}/cmdline`, 'utf8').split('\0').find((a) => a.startsWith('port='))?.slice(5));
        const c = await superuserClient(layout.instance(node).sock, port);
        try {
          out.push({ node, primary: !(await c.query('SELECT pg_is_in_recovery() AS r')).rows[0].r });
        } finally {
          await c.end().catch(() => {});
        }
      }
      return out;
    };
    const settled = async () => {
      for (const t of tracked) {
        const { DBInstance } = await client.DescribeDBInstanceAttribute({ DBInstanceId: t.id });
        if (DBInstance!.DBInstanceStatus !== 'running') return false;
        if (t.ha && ((await client.DescribeDBInstanceHAConfig({ DBInstanceId: t.id })) as any).SyncState !== 'Sync') return false;
        if ((await roles(t)).length !== nodesOf(t).length) return false;
      }
      return true;
    };

    const extra: string[] = [];
    let round = 0;
    for (const fault of opts.faults) {
      if (opts.until !== undefined && Date.now() > opts.until) break;
      round++;
      const ackedBefore = tracked.reduce((n, t) => n + t.acked.length, 0);
      const withStandby = tracked.filter((t) => t.ha);
      const victim = withStandby[rand(0, withStandby.length - 1)]!;
      const r = await roles(victim);
      const primary = r.find((x) => x.primary)?.node;
      const standby = r.find((x) => !x.primary)?.node;
      if (fault === 'pgcloud') {
        await svc.kill9();
        await sleep(rand(0, 300));
        await svc.restart();
      } else if (fault === 'primary' || fault === 'primary+pgcloud') {
        signalTree(postmasterOf(primary!)!, 'SIGKILL');
        if (fault === 'primary+pgcloud') {
          await sleep(rand(50, 500));
          await svc.kill9();
          await svc.restart();
        }
      } else if (fault === 'standby') {
        signalTree(postmasterOf(standby!)!, 'SIGKILL');
      } else if (fault === 'provisioning+pgcloud') {
        const res = await client.CreateInstances(createRequest({ DBMajorVersion: '16', DBNodeSet: [{ Role: 'Primary', Zone: 'ap-guangzhou-3' }] }));
        extra.push(res.DBInstanceIdSet![0]!);
        await sleep(rand(50, 400));
        await svc.kill9();
        await svc.restart();
      }
      // Billing goes on through the faults: an hour passes on the service clock.
      await cli(svc.dataDir, 'clock', 'advance', '1h');
      await waitFor(`everything settled after fault ${fault}`, settled, settleMs);
      // A provisioned-through-a-crash instance is removed again: it must leave nothing behind.
      for (const id of extra.splice(0)) {
        await waitForStatus(client, id, 'running', settleMs);
        await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
        await waitForStatus(client, id, 'isolated', settleMs);
        await client.DestroyDBInstance({ DBInstanceId: id });
        await waitFor(`${id} destroyed`, async () => !fs.existsSync(path.join(layout.instances, id)), settleMs);
      }

      // Every acknowledged commit is there.
      for (const t of tracked) {
        const upTo = t.acked.length;
        const { DBInstance } = await client.DescribeDBInstanceAttribute({ DBInstanceId: t.id });
        const c = await waitFor('a session', async () => login(DBInstance, 'dbadmin', PASSWORD), 60_000);
        const present = new Set((await c.query('SELECT id FROM t')).rows.map((x) => x.id as number));
        await c.end();
        const lost = t.acked.slice(0, upTo).filter((i) => !present.has(i));
        assert.deepEqual(lost, [], `round ${round} (${fault}): ${lost.length} acknowledged commits of ${t.id} lost`);
      }
      // One primary per instance.
      for (const t of tracked) {
        const r2 = await roles(t);
        assert.equal(r2.filter((x) => x.primary).length, 1, `round ${round} (${fault}): ${t.id} has one primary (${JSON.stringify(r2)})`);
      }
      // No orphan server, directory or user.
      const expected = tracked.flatMap(nodesOf).sort();
      const servers = postmastersUnder(svc.dataDir).map((pid) => {
        const dir = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return path.basename(path.dirname(dir[dir.indexOf('-D') + 1]!));
      });
      assert.deepEqual(servers.sort(), expected, `round ${round} (${fault}): one server per node, no other`);
      assert.deepEqual(fs.readdirSync(layout.instances).filter((n) => !n.startsWith('.')).sort(), expected, `round ${round} (${fault}): no orphan instance directory`);
      if (root) assert.deepEqual(usersMarkedUnder(svc.dataDir).sort(), [...new Set(tracked.map((t) => instanceUserName('pgcloud', t.id)))].sort(), `round ${round} (${fault}): no orphan OS user`);
      // The ledger is the balance.
      assertLedgerBalanced(svc.dataDir);
      const commits = tracked.reduce((n, t) => n + t.acked.length, 0);
      log(`round ${round}: ${fault}${primary && fault.startsWith('primary') ? ` (${primary})` : ''} — settled, ${commits - ackedBefore} commits acknowledged meanwhile, invariants hold`);
    }
    return { rounds: round, commits: tracked.reduce((n, t) => n + t.acked.length, 0) };
  } finally {
    for (const t of tracked) await t.stop().catch(() => {});
    await svc.cleanup();
  }
}
