// bench/failover.ts: seconds from the primary's death (SIGKILL of its postmaster) to the first
// successful write at the same address, for a Semi-sync instance with a standby (p50 over the runs),
// next to the goal of 3 s and the 60-120 s the major clouds quote for a managed failover.
// Each run waits until the instance is "running" again (a new standby streams) before the next kill.
//
// --kill-pgcloud: pgcloud itself is SIGKILLed 50-500 ms after the primary (in the middle of the
// failover) and started again; measured is the time from the primary's kill to the instance being
// "running" again (and to the first write), against the goal of 5 s, with a write loop running
// throughout whose every acknowledged commit must be there afterwards. The plain failover is measured
// in the same run as the baseline.
//   node --import tsx bench/failover.ts [--runs 10] [--major 16] [--kill-pgcloud]
import fs from 'node:fs';
import pg from 'pg';
import { startService } from '../test/support/service.ts';
import { postgresClient, waitForStatus } from '../test/support/sdk.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 10);
const MAJOR = String(arg('major', 16));
const KILL_PGCLOUD = process.argv.includes('--kill-pgcloud');
const PASSWORD = 'Bench#Pass2026';
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const line = (name: string, xs: number[]) =>
  `  ${name.padEnd(26)} p50 ${pct(xs, 50).toFixed(3)} s   p95 ${pct(xs, 95).toFixed(3)} s   max ${Math.max(...xs).toFixed(3)} s`;

const svc = await startService({ env: { PGCLOUD_DEFAULT_STANDBY: '1', PGCLOUD_PREWARM: MAJOR, PGCLOUD_LOG_LEVEL: process.env.PGCLOUD_LOG_LEVEL ?? 'info' } });
try {
  const client = postgresClient(svc);
  const res = await client.CreateInstances({
    Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, Period: 1, Charset: 'UTF8', InstanceCount: 1,
    AdminName: 'bench', AdminPassword: PASSWORD, DBMajorVersion: MAJOR, InstanceChargeType: 'POSTPAID_BY_HOUR', SyncMode: 'Semi-sync',
  });
  const id = res.DBInstanceIdSet![0]!;
  let inst = await waitForStatus(client, id, 'running', 180_000, 200);
  const { Ip: host, Port: port } = inst.DBInstanceNetInfo[0];
  const connect = async () => {
    const c = new pg.Client({ host, port, user: 'bench', password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 2000 });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  const setup = await connect();
  await setup.query('CREATE TABLE IF NOT EXISTS w (id bigint PRIMARY KEY, at timestamptz DEFAULT now())');
  await setup.end();

  /** Inserts one row at a time, reconnecting after errors; acked holds the ids whose COMMIT returned. */
  let next = 1;
  const writeLoop = () => {
    const acked: number[] = [];
    let stopped = false;
    const done = (async () => {
      let c: pg.Client | undefined;
      while (!stopped) {
        const i = next++;
        try {
          c ??= await connect();
          await c.query('INSERT INTO w (id) VALUES ($1)', [i]);
          acked.push(i);
        } catch {
          await c?.end().catch(() => {});
          c = undefined;
          await sleep(20);
        }
      }
      await c?.end().catch(() => {});
    })();
    return { acked, stop: async () => ((stopped = true), await done) };
  };
  const primaryPostmaster = async () => {
    const db = await connect();
    const { rows } = await db.query('SELECT pg_backend_pid() AS pid');
    const stat = fs.readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8');
    await db.end();
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  };
  const firstWrite = async (t0: number) => {
    for (;;) {
      let c: pg.Client | undefined;
      try {
        c = await connect();
        await c.query('INSERT INTO w (id) VALUES ($1)', [-(next++)]);
        return (performance.now() - t0) / 1000;
      } catch {
        await sleep(20);
      } finally {
        await c?.end().catch(() => {});
      }
    }
  };
  /** Seconds from t0 until the instance is "running" again, having been something else (switching, restarting) after t0. */
  const watchStatus = (t0: number) => {
    let left = false;
    let at: number | undefined;
    let stop = false;
    const done = (async () => {
      while (!stop && at === undefined) {
        try {
          const { DBInstance } = await client.DescribeDBInstanceAttribute({ DBInstanceId: id });
          if (DBInstance!.DBInstanceStatus !== 'running') left = true;
          else if (left) {
            at = (performance.now() - t0) / 1000;
            inst = DBInstance;
          }
        } catch {
          /* pgcloud is down or restarting */
        }
        await sleep(20);
      }
    })();
    return async () => {
      const deadline = Date.now() + 180_000;
      while (at === undefined && Date.now() < deadline) await sleep(20);
      stop = true;
      await done;
      if (at === undefined) throw new Error('not running again within 180 s');
      if (`${inst.DBInstanceNetInfo[0].Ip}:${inst.DBInstanceNetInfo[0].Port}` !== `${host}:${port}`) throw new Error('the address changed');
      return at;
    };
  };

  const plainWrite: number[] = [];
  const plainRunning: number[] = [];
  const killedWrite: number[] = [];
  const killedRunning: number[] = [];
  let lost = 0;
  const logs: string[] = [];
  const runs = KILL_PGCLOUD ? [...Array(RUNS)].flatMap((_, i) => (i < Math.ceil(RUNS / 3) ? ['plain', 'kill'] : ['kill'])) : [...Array(RUNS)].map(() => 'plain');
  for (const [n, kind] of runs.entries()) {
    const loop = writeLoop();
    while (loop.acked.length < 20) await sleep(10);
    const pm = await primaryPostmaster();
    const t0 = performance.now();
    const untilRunning = watchStatus(t0);
    process.kill(pm, 'SIGKILL');
    let delay = 0;
    let restartS = 0;
    if (kind === 'kill') {
      delay = 50 + Math.floor(Math.random() * 451);
      await sleep(delay);
      await svc.kill9();
      logs.push(svc.output());
      const r0 = performance.now();
      await svc.restart();
      restartS = (performance.now() - r0) / 1000;
    }
    const write = await firstWrite(t0);
    const running = await untilRunning();
    // The next run kills a primary with a streaming standby again.
    await waitForStatus(client, id, 'running', 180_000, 50);
    for (let i = 0; i < 600 && (await client.DescribeDBInstanceHAConfig({ DBInstanceId: id }) as any).SyncState !== 'Sync'; i++) await sleep(100);
    await sleep(200);
    await loop.stop();
    const db = await connect();
    const present = new Set((await db.query('SELECT id FROM w WHERE id > 0')).rows.map((r) => Number(r.id)));
    await db.end();
    const missing = loop.acked.filter((i) => !present.has(i));
    lost += missing.length;
    (kind === 'kill' ? killedWrite : plainWrite).push(write);
    (kind === 'kill' ? killedRunning : plainRunning).push(running);
    console.log(
      `run ${n + 1} (${kind === 'kill' ? `pgcloud killed ${delay} ms after the primary, its restart took ${restartS.toFixed(3)} s` : 'plain failover'}): first write ${write.toFixed(3)} s, running ${running.toFixed(3)} s, ` +
        `${loop.acked.length} commits acknowledged, ${missing.length} lost`,
    );
  }
  console.log(`\nfailover, primary SIGKILL (PostgreSQL ${MAJOR}, Semi-sync, ${runs.length} runs, ${lost} acknowledged commits lost):`);
  if (plainWrite.length) console.log(line('first write (baseline)', plainWrite), '\n' + line('running (baseline)', plainRunning));
  if (killedWrite.length) console.log(line('first write, pgcloud killed', killedWrite), '\n' + line('running, pgcloud killed', killedRunning), '\n  goal (pgcloud killed)       running under 5 s every time');
  console.log('  goal      3 s to the first write');
  console.log('  clouds    60-120 s (what the major managed-database services quote for a failover)');
  if (lost) process.exitCode = 1;
  if (process.env.BENCH_LOG) fs.writeFileSync(process.env.BENCH_LOG, logs.join('') + svc.output());
} finally {
  await svc.cleanup();
}
