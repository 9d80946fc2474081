// bench/density.ts: how many idle single-node instances one host holds, and what each costs.
// Creates instances in batches until N are running and idle (or a limit is hit, which it names), and
// after each batch prints: PSS per idle instance (sum of /proc/<pid>/smaps_rollup Pss over the
// postmaster and its children), the service's own CPU share while idle, DescribeDBInstances p50/p99,
// and how long one new CreateInstances (InstanceCount 1, to running and a first login) takes. The first
// line is the same figures on an empty host: the baseline. Cleans up everything it made.
//   node --import tsx bench/density.ts [N=500] [--batch 10] [--major 16] [--idle-seconds 5]
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { startService, postmastersUnder } from '../test/support/service.ts';
import { postgresClient } from '../test/support/sdk.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const positional = process.argv.slice(2).find((a, i, all) => /^\d+$/.test(a) && !all[i - 1]?.startsWith('--'));
const TARGET = Number(positional ?? 500);
const BATCH = arg('batch', 10);
const MAJOR = String(arg('major', 16));
const IDLE_S = arg('idle-seconds', 5);
const PASSWORD = 'Bench#Pass2026';
/** Stop before the host runs short: this much memory must stay available to everyone else. */
const MIN_AVAILABLE_MB = 2048;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const memAvailableMb = () => Number(/^MemAvailable:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024;

/** The process and its descendants (through /proc/<pid>/task/<tid>/children). */
function tree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const tid of fs.readdirSync(`/proc/${out[i]}/task`))
        for (const c of fs.readFileSync(`/proc/${out[i]}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) out.push(Number(c));
    } catch {
      /* gone */
    }
  }
  return out;
}

const pssKb = (pid: number): number => {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

/** PSS (MB) of each instance's processes: its postmaster and every child (backends, workers). */
function pssPerInstance(dataDir: string): { perInstance: number[]; processes: number } {
  const perInstance: number[] = [];
  let processes = 0;
  for (const pm of postmastersUnder(dataDir)) {
    const pids = tree(pm);
    processes += pids.length;
    perInstance.push(pids.reduce((kb, p) => kb + pssKb(p), 0) / 1024);
  }
  return { perInstance, processes };
}

/** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux). */
const cpuTicks = (pid: number): number => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
};

async function loginWithRetry(host: string, port: number): Promise<void> {
  for (;;) {
    const c = new pg.Client({ host, port, user: 'bench', password: PASSWORD, database: 'postgres' });
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      return;
    } catch {
      await c.end().catch(() => {});
      await sleep(10);
    }
  }
}

const svc = await startService({ env: { PGCLOUD_PREWARM: MAJOR, PGCLOUD_LOG_LEVEL: 'warn', PGCLOUD_DEFAULT_STANDBY: '0' } });
const client = postgresClient(svc);
const ids: string[] = [];
let limit = `the target of ${TARGET} instances`;

/** Creates count instances in one call and waits until each is running; the seconds to the last first login. */
async function create(count: number): Promise<number> {
  const t0 = performance.now();
  const res = await client.CreateInstances({
    Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: count, Period: 1, Charset: 'UTF8',
    AdminName: 'bench', AdminPassword: PASSWORD, DBMajorVersion: MAJOR, InstanceChargeType: 'POSTPAID_BY_HOUR',
  });
  ids.push(...res.DBInstanceIdSet!);
  const pending = new Set(res.DBInstanceIdSet!);
  const logins: Promise<void>[] = [];
  while (pending.size) {
    const page = await client.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [...pending] }], Limit: 100 });
    for (const inst of page.DBInstanceSet!) {
      if (inst.DBInstanceStatus === 'offline') throw new Error(`instance ${inst.DBInstanceId} could not be provisioned`);
      if (inst.DBInstanceStatus !== 'running') continue;
      pending.delete(inst.DBInstanceId!);
      const net = inst.DBInstanceNetInfo!.find((n) => n.NetType === 'private')!;
      logins.push(loginWithRetry(net.Ip!, net.Port!));
    }
    if (pending.size) await sleep(50);
  }
  await Promise.all(logins);
  return (performance.now() - t0) / 1000;
}

/** The figures of one step, with count instances idle. */
async function measure(count: number, createS: number | undefined): Promise<void> {
  await sleep(1000); // the creates' own work (settings read, first checks) is done
  const pid = svc.pid()!;
  const c0 = cpuTicks(pid);
  const t0 = performance.now();
  await sleep(IDLE_S * 1000);
  const cpu = (cpuTicks(pid) - c0) / 100 / ((performance.now() - t0) / 1000);
  const pss = pssPerInstance(svc.dataDir);
  const lat: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    await client.DescribeDBInstances({ Limit: 20, Offset: 0 });
    lat.push(performance.now() - t);
  }
  const mean = pss.perInstance.length ? pss.perInstance.reduce((a, b) => a + b, 0) / pss.perInstance.length : 0;
  console.log(
    [
      `${String(count).padStart(4)} idle`,
      `PSS/instance mean ${mean.toFixed(1)} MB p99 ${pct(pss.perInstance, 99).toFixed(1)} MB (${pss.processes} processes)`,
      `service CPU ${(cpu * 100).toFixed(1)}% of a core`,
      `DescribeDBInstances p50 ${pct(lat, 50).toFixed(1)} ms p99 ${pct(lat, 99).toFixed(1)} ms`,
      `new CreateInstances ${createS === undefined ? '-' : `${createS.toFixed(3)} s`}`,
      `host MemAvailable ${Math.round(memAvailableMb())} MB`,
    ].join(' | '),
  );
}

try {
  console.log(`density: PostgreSQL ${MAJOR}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 1073741824)} GB, target ${TARGET}, batches of ${BATCH}`);
  // Warm-up (the template's initdb), then the empty-host baseline: the CreateInstances time of the first
  // instance after it, on a host with one instance.
  await create(1);
  const firstS = await create(1);
  await measure(ids.length, firstS);
  while (ids.length < TARGET) {
    if (memAvailableMb() < MIN_AVAILABLE_MB) {
      limit = `host memory (MemAvailable below ${MIN_AVAILABLE_MB} MB)`;
      break;
    }
    let createS: number;
    try {
      // The timed single create, then the rest of the batch in one call.
      createS = await create(1);
      const rest = Math.min(BATCH - 1, TARGET - ids.length);
      if (rest > 0) await create(rest);
    } catch (e) {
      limit = `CreateInstances: ${(e as Error).message}`;
      break;
    }
    await measure(ids.length, createS);
  }
  console.log(`stopped at ${ids.length} instances: ${limit}`);
} finally {
  await svc.cleanup();
}
