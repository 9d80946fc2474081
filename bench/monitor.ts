// bench/monitor.ts: what monitoring costs. K real servers of the local engine; one sampling round is
// engine.statistics() for each (the query, the /proc reads) plus, once a minute per instance, the
// size walks (diskUsage and the databases' size). Prints the CPU a round takes in this process and in
// the servers (their backends' CPU, from the postmasters' /proc times), as a share of one core at one
// round per 5 s, next to the baseline of the health check every instance already gets (SELECT 1).
//   node --import tsx bench/monitor.ts [--instances 4] [--rounds 20] [--major 16]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createLocalEngine } from '../src/engine/local/index.ts';
import type { InstanceSpec } from '../src/engine/types.ts';
import { scramVerifier } from '../src/core/scram.ts';
import { freePort, killPostgresUnder, postmastersUnder, removeInstanceUsers } from '../test/support/service.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const K = arg('instances', 4);
const ROUNDS = arg('rounds', 20);
const MAJOR = String(arg('major', 16));
const PERIOD_MS = 5000;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-bench-monitor-'));
fs.chmodSync(root, 0o755);
const dataDir = path.join(root, 'engine');
const engine = await createLocalEngine({ dataDir, log: pino({ level: 'warn' }) });

/** CPU seconds of the postmasters and everything they ran: their live processes and the reaped ones. */
function serverCpuSeconds(): number {
  let ticks = 0;
  const fields = (pid: number | string) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    } catch {
      return undefined;
    }
  };
  for (const pid of postmastersUnder(root)) {
    const f = fields(pid);
    if (f) ticks += f[11]! + f[12]! + f[13]! + f[14]!;
    const kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const k of kids) {
      const c = fields(k);
      if (c) ticks += c[11]! + c[12]!;
    }
  }
  return ticks / 100;
}

async function measure(label: string, round: () => Promise<void>): Promise<number> {
  const c0 = process.cpuUsage();
  const s0 = serverCpuSeconds();
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) await round();
  const wallMs = (performance.now() - t0) / ROUNDS;
  const c = process.cpuUsage(c0);
  const ownMs = (c.user + c.system) / 1000 / ROUNDS;
  const serverMs = ((serverCpuSeconds() - s0) * 1000) / ROUNDS;
  const share = (100 * (ownMs + serverMs)) / PERIOD_MS;
  console.log(`${label.padEnd(44)} round ${wallMs.toFixed(1).padStart(6)} ms wall, CPU ${ownMs.toFixed(1).padStart(5)} ms here + ${serverMs.toFixed(1).padStart(5)} ms in the servers = ${share.toFixed(2)}% of one core at one round per 5 s`);
  return share;
}

try {
  const ids: string[] = [];
  for (let i = 0; i < K; i++) {
    const spec: InstanceSpec = {
      id: `postgres-bench${String(i).padStart(3, '0')}`, major: MAJOR, encoding: 'UTF8', cpu: 1, memoryMb: 1024, storageGb: 10,
      host: '127.0.0.1', port: await freePort(), adminName: 'dbadmin', adminVerifier: scramVerifier('Bench#Pass2026'),
    };
    await engine.ensureRunning(spec);
    ids.push(spec.id);
  }
  console.log(`# ${K} servers of PostgreSQL ${MAJOR}, ${ROUNDS} rounds each`);
  const base = await measure('baseline: health check (SELECT 1) of each', async () => void (await Promise.all(ids.map((id) => engine.probe(id, 5000)))));
  const sample = await measure('sampling round: statistics() of each', async () => void (await Promise.all(ids.map((id) => engine.statistics!(id, false)))));
  // Once a minute per instance (every 12th round): the size walks too.
  const sized = await measure('sampling round with the sizes (1 in 12)', async () => void (await Promise.all(ids.map(async (id) => (await engine.statistics!(id, true), await engine.diskUsage(id))))));
  const perMinute = (11 * sample + sized) / 12;
  console.log(`monitoring: ${perMinute.toFixed(2)}% of one core for ${K} instances (${(perMinute / K).toFixed(3)}% each), baseline health check ${base.toFixed(2)}%`);
} finally {
  await engine.stopAll();
  killPostgresUnder(root);
  for (let i = 0; i < 200 && postmastersUnder(root).length; i++) await new Promise((r) => setTimeout(r, 50));
  removeInstanceUsers(dataDir);
  fs.rmSync(root, { recursive: true, force: true });
}
