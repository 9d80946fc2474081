// bench/create.ts: seconds from CreateInstances to the first successful login (p50/p95), for
// InstanceCount 1 and 10, next to the baseline a user has without pgcloud on this machine with the
// same binaries (initdb + pg_ctl start + first login), and their ratio; then one instance with the
// default standby.
//   node --import tsx bench/create.ts [--runs 7] [--runs10 3] [--major 16]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startService, freePort } from '../test/support/service.ts';
import { postgresClient } from '../test/support/sdk.ts';
import { resolveRunAs } from '../src/engine/local/runas.ts';
import { findBinaries } from '../src/engine/local/binaries.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS_1 = arg('runs', 7);
const RUNS_10 = arg('runs10', 3);
const MAJOR = String(arg('major', 16));
const PASSWORD = 'Bench#Pass2026';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(3)} s  p95 ${pct(xs, 95).toFixed(3)} s`;

async function loginWithRetry(host: string, port: number, user: string, password: string | undefined): Promise<void> {
  for (;;) {
    const c = new pg.Client({ host, port, user, password, database: 'postgres' });
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      return;
    } catch {
      await c.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function run(cmd: string, args: string[], opts: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'ignore', ...opts });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} exited ${code}`))));
  });
}

/** What a user does by hand: initdb, pg_ctl start (waiting), first login over TCP. */
async function baseline(count: number, runs: number): Promise<number[]> {
  const log = pino({ level: 'silent' });
  const runAs = (await resolveRunAs(undefined, log)).shared;
  const bin = (await findBinaries(runAs)).find((b) => b.major === MAJOR)!;
  const pgCtl = path.join(path.dirname(bin.initdb), 'pg_ctl');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-bench-baseline-'));
  fs.chmodSync(root, 0o755);
  runAs.chown(root);
  const times: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const dirs = Array.from({ length: count }, (_, i) => path.join(root, `r${r}-${i}`));
      const ports = await Promise.all(dirs.map(() => freePort()));
      const t0 = performance.now();
      await Promise.all(
        dirs.map(async (dir, i) => {
          const opts = { ...runAs.spawnIds(), env: runAs.env() };
          await run(bin.initdb, ['-D', dir, '-U', 'bench', '-E', 'UTF8', '--locale=C', '--auth=trust', '-N'], opts);
          await run(pgCtl, ['-D', dir, '-w', '-l', `${dir}.log`, '-o', `-p ${ports[i]} -c listen_addresses=127.0.0.1 -k ${dir}`, 'start'], opts);
          await loginWithRetry('127.0.0.1', ports[i]!, 'bench', undefined);
        }),
      );
      times.push((performance.now() - t0) / 1000);
      await Promise.all(dirs.map((dir) => run(pgCtl, ['-D', dir, '-m', 'immediate', 'stop'], { ...runAs.spawnIds(), env: runAs.env() })));
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return times;
}

async function pgcloud(svc: Awaited<ReturnType<typeof startService>>, count: number, runs: number): Promise<number[]> {
  const client = postgresClient(svc);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const res = await client.CreateInstances({
      Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: count, Period: 1, Charset: 'UTF8',
      AdminName: 'bench', AdminPassword: PASSWORD, DBMajorVersion: MAJOR, InstanceChargeType: 'POSTPAID_BY_HOUR',
    });
    // One DescribeDBInstances every 20 ms for the whole batch (well under its rate limit); each
    // instance is logged in to as soon as it is reported running.
    const pending = new Set(res.DBInstanceIdSet!);
    const logins: Promise<void>[] = [];
    while (pending.size) {
      const page = await client.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [...pending] }], Limit: 100 });
      for (const inst of page.DBInstanceSet!) {
        if (inst.DBInstanceStatus !== 'running') continue;
        pending.delete(inst.DBInstanceId!);
        const net = inst.DBInstanceNetInfo!.find((n) => n.NetType === 'private')!;
        logins.push(loginWithRetry(net.Ip!, net.Port!, 'bench', PASSWORD));
      }
      if (pending.size) await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(logins);
    times.push((performance.now() - t0) / 1000);
  }
  return times;
}

const svc = await startService({ env: { PGCLOUD_PREWARM: MAJOR, PGCLOUD_LOG_LEVEL: 'warn' } });
try {
  // Warm-up: the first instance of a major waits for its template (initdb) if the prewarm has not finished.
  const warm = await pgcloud(svc, 1, 1);
  console.log(`PostgreSQL ${MAJOR}, ${os.cpus().length} cores; warm-up create (may include the template's initdb): ${warm[0]!.toFixed(3)} s`);
  const base1 = await baseline(1, RUNS_1);
  const ours1 = await pgcloud(svc, 1, RUNS_1);
  const base10 = await baseline(10, RUNS_10);
  const ours10 = await pgcloud(svc, 10, RUNS_10);
  console.log(`InstanceCount 1  (${RUNS_1} runs): pgcloud ${fmt(ours1)} | baseline initdb+pg_ctl+login ${fmt(base1)} | ratio p50 ${(pct(ours1, 50) / pct(base1, 50)).toFixed(2)}`);
  console.log(`InstanceCount 10 (${RUNS_10} runs): pgcloud ${fmt(ours10)} | baseline 10 in parallel ${fmt(base10)} | ratio p50 ${(pct(ours10, 50) / pct(base10, 50)).toFixed(2)}`);
  console.log('goal: one instance <= 1 s at p50, ten <= 5 s, and faster than the baseline (ratio < 1)');
} finally {
  await svc.cleanup();
}

// The service's default topology (what `npm start` gives): each instance with a standby in its zone,
// running once the standby streams. Reported beside the single-node figures, no goal of its own.
const ha = await startService({ env: { PGCLOUD_PREWARM: MAJOR, PGCLOUD_LOG_LEVEL: 'warn', PGCLOUD_DEFAULT_STANDBY: '1' } });
try {
  await pgcloud(ha, 1, 1);
  const withStandby = await pgcloud(ha, 1, RUNS_1);
  console.log(`InstanceCount 1 with its default standby (${RUNS_1} runs): pgcloud ${fmt(withStandby)}`);
} finally {
  await ha.cleanup();
}
