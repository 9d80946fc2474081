// Signed requests per second through the gateway: DescribeRegions over TC3-HMAC-SHA256 POST on
// keep-alive loopback connections, against a real `pgcloud serve`, next to a bare node:http server
// on the same machine that answers a fixed JSON body and does no work. Prints both rates and their
// ratio. The client signs every request itself for both servers, so the client's work is the same.
//
// The two servers are measured in alternating 1-second rounds (after a warm-up of each), so that
// other load on the machine weighs on both alike; the rates are the totals over all rounds.
//
//   npm run bench:gateway -- [--rounds 6] [--concurrency 8] [--log-level info]
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, randomKeyPair } from '../test/support/service.ts';
import { tc3Headers, type Credentials } from '../test/support/signer.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const ROUNDS = Number(arg('rounds', '6'));
const ROUND_MS = 1000;
const CONCURRENCY = Number(arg('concurrency', '8'));
const LOG_LEVEL = arg('log-level', 'info');

const BARE_SERVER = `
const http = require('node:http');
const body = Buffer.from('{"Response":{"TotalCount":0,"RegionSet":[],"RequestId":"00000000-0000-4000-8000-000000000000"}}');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 72000;
server.listen(Number(process.argv[1]), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up`);
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

interface Result {
  ms: number;
  count: number;
  errors: number;
  latencies: number[];
  /** CPU the server process used during the rounds. */
  cpuMs: number;
}

const emptyResult = (): Result => ({ ms: 0, count: 0, errors: 0, latencies: [], cpuMs: 0 });

/** CPU time (user + system) a process has used so far, in ms; NaN where /proc is not available. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

/** Drives `port` with CONCURRENCY request loops for `ms`, adding what completed to `into`. */
async function drive(port: number, pid: number | undefined, agent: http.Agent, creds: Credentials, check: (body: string) => boolean, ms: number, into: Result): Promise<void> {
  const cpuBefore = cpuMs(pid);
  const host = `127.0.0.1:${port}`;
  const body = '{}';
  const measureFrom = performance.now();
  const end = measureFrom + ms;
  into.ms += ms;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const headers = tc3Headers(creds, { action: 'DescribeRegions', host, body });
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { ...headers, 'Content-Length': '2' }, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const t1 = performance.now();
          if (t1 <= end) {
            into.count++;
            if (!check(Buffer.concat(chunks).toString('utf8'))) into.errors++;
            into.latencies.push(t1 - t0);
          }
          resolve();
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  const loop = async () => {
    while (performance.now() < end) await one();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  into.cpuMs += cpuMs(pid) - cpuBefore;
}

async function main() {
  const keys = randomKeyPair();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-bench-'));
  fs.chmodSync(dataDir, 0o755); // the unprivileged user that runs PostgreSQL (as root) must reach it
  const pgPort = await freePort();
  const barePort = await freePort();
  const pgcloud = spawn(process.execPath, [path.join(root, 'bin', 'pgcloud.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      PGCLOUD_HOST: '127.0.0.1',
      PGCLOUD_PORT: String(pgPort),
      PGCLOUD_DATA_DIR: dataDir,
      PGCLOUD_SECRET_ID: keys.secretId,
      PGCLOUD_SECRET_KEY: keys.secretKey,
      PGCLOUD_LOG_LEVEL: LOG_LEVEL,
      PGCLOUD_PREWARM: 'none',
      // The gateway's own cost is measured, not DescribeRegions' documented 1000 requests per second.
      PGCLOUD_RATE_LIMIT_SCALE: '1000',
    },
    // The request log goes where a deployment's would: a file, here /dev/null.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const bare = spawn(process.execPath, ['-e', BARE_SERVER, String(barePort)], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitHealthy(`http://127.0.0.1:${pgPort}/healthz`, pgcloud);
    await waitHealthy(`http://127.0.0.1:${barePort}/`, bare);
    const cpus = os.cpus();
    console.log(`gateway bench: DescribeRegions, TC3-HMAC-SHA256 POST, keep-alive, ${CONCURRENCY} concurrent, ${ROUNDS} alternating rounds of ${ROUND_MS} ms each`);
    console.log(`host: ${cpus.length} × ${cpus[0]?.model ?? '?'}, load average ${os.loadavg()[0]!.toFixed(2)}, node ${process.version}; pgcloud log level ${LOG_LEVEL} (to /dev/null)`);
    const bareAgent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const pgAgent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const checkRegions = (b: string) => b.includes('"TotalCount":18');
    // Warm-up: connections, key cache, JIT.
    await drive(barePort, bare.pid, bareAgent, keys, () => true, ROUND_MS, emptyResult());
    await drive(pgPort, pgcloud.pid, pgAgent, keys, checkRegions, ROUND_MS, emptyResult());
    const bareResult = emptyResult();
    const pgResult = emptyResult();
    for (let i = 0; i < ROUNDS; i++) {
      await drive(barePort, bare.pid, bareAgent, keys, () => true, ROUND_MS, bareResult);
      await drive(pgPort, pgcloud.pid, pgAgent, keys, checkRegions, ROUND_MS, pgResult);
    }
    bareAgent.destroy();
    pgAgent.destroy();
    const rate = (r: Result) => (r.count * 1000) / r.ms;
    const line = (name: string, r: Result) => {
      const l = r.latencies.sort((a, b) => a - b);
      const q = (p: number) => l[Math.min(l.length - 1, Math.floor(l.length * p))] ?? NaN;
      const cpu = ((r.cpuMs * 1000) / r.count).toFixed(0);
      return `${name.padEnd(18)} ${rate(r).toFixed(0).padStart(7)} req/s   p50 ${q(0.5).toFixed(2)} ms   p99 ${q(0.99).toFixed(2)} ms   server CPU ${cpu} µs/request   (${r.count} requests${r.errors ? `, ${r.errors} NOT OK` : ''})`;
    };
    console.log(line('bare node:http', bareResult));
    console.log(line('pgcloud gateway', pgResult));
    const ratio = rate(pgResult) / rate(bareResult);
    console.log(`ratio              ${ratio.toFixed(2)}  (goal ≥ 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
    if (pgResult.errors) process.exitCode = 1;
  } finally {
    await Promise.all([stop(pgcloud), stop(bare)]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
