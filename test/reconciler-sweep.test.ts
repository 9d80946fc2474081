// Issue 16: the reconciler's cost per second does not grow with its settled instances. A pass reads only
// instances with work to do; settled ones are health-checked in slices of healthChecksPerSecond by id
// (each once per sweep), and one whose server the engine says exited is checked in the next round.
// A stand-in engine counts what the reconciler asks (no server is needed to count checks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openStore } from '../src/store/db.ts';
import { loadConfig } from '../src/core/config.ts';
import { systemClock } from '../src/core/time.ts';
import { Reconciler } from '../src/reconciler/index.ts';
import type { Engine } from '../src/engine/types.ts';

const N = 120;
const BUDGET = 30;

test(`${N} settled instances: rounds of at most ${BUDGET} checks, each instance once per sweep, disk walked only after a write; an exited server is checked and restarted at once`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-sweep-'));
  const db = await openStore(dir, '');
  let reconciler: Reconciler | undefined;
  try {
    const now = new Date().toISOString();
    const ids = Array.from({ length: N }, (_, i) => `postgres-${String(i).padStart(8, '0')}`);
    const rows = ids.map((id, i) => ({
      id, uin: '1', region: 'ap-guangzhou', zone: 'ap-guangzhou-3', name: id, status: 'running', spec_code: 'x', cpu: 1, memory_mb: 2048,
      storage_gb: 10, storage_type: 'CLOUD_SSD', db_engine: 'postgresql', db_version: '16', db_major_version: '16', db_kernel_version: 'v16',
      charset: 'UTF8', admin_name: 'dbadmin', admin_verifier: 'SCRAM-SHA-256$x', charge_type: 'POSTPAID_BY_HOUR', period: 0, auto_renew: 0,
      project_id: 0, vpc_id: '', subnet_id: '', node_set: '[]', deletion_protection: 0, deal_name: 'd', host: '127.48.0.1', port: 6000 + i,
      desired_state: 'running', attempts: 0, last_error: null, next_attempt_at: null, lease_owner: null, lease_until: null, created_at: now,
      updated_at: now, expire_time: null, isolated_time: null, disk_used_bytes: 0,
    }));
    await db.insertInto('accounts').values({ uin: '1', app_id: 1, name: 'sweep', is_default: 0, created_at: now }).execute();
    for (let i = 0; i < rows.length; i += 50) await db.insertInto('instances').values(rows.slice(i, i + 50)).execute();

    const observed: string[] = [];
    const ensured: string[] = [];
    const down = new Set<string>();
    const walked = new Map<string, number>();
    const stamps = new Map<string, string>();
    let exitWatcher: ((id: string) => void) | undefined;
    const engine = {
      observe: async (id: string) => {
        observed.push(id);
        return { exists: true, running: !down.has(id) };
      },
      ensureRunning: async (spec: { id: string }) => {
        ensured.push(spec.id);
        down.delete(spec.id);
      },
      settings: async () => ({ settings: [], startedAt: new Date() }),
      diskUsage: async (id: string) => {
        walked.set(id, (walked.get(id) ?? 0) + 1);
        return 0;
      },
      writeStamp: async (id: string) => stamps.get(id) ?? 'wal-1',
      onServerExit: (w: (id: string) => void) => (exitWatcher = w),
      removeOrphans: async () => {},
    } as unknown as Engine;
    const config = loadConfig({ dataDir: dir, healthChecksPerSecond: BUDGET }, {});
    reconciler = new Reconciler({ db, engine, config, clock: systemClock, log: pino({ level: 'silent' }) });
    await reconciler.start();

    const until = async (what: string, cond: () => boolean) => {
      while (!cond()) await new Promise((r) => setTimeout(r, 20));
    };
    // Adopted (ensured once each) as the sweep reaches them.
    await until('all adopted', () => new Set(ensured).size === N);
    assert.equal(ensured.length, N, 'each settled instance is ensured once at start, none twice');
    // Then two full sweeps of checks: each instance in id order, once per sweep.
    const from = observed.length;
    await until('two sweeps', () => observed.length >= from + 2 * N);
    const seq = observed.slice(from, from + 2 * N);
    const start = ids.indexOf(seq[0]!);
    assert.deepEqual(seq, Array.from({ length: 2 * N }, (_, i) => ids[(start + i) % N]));
    // Storage: each walked once (its first measurement), then not again while its WAL does not move.
    assert.equal(walked.size, N);
    assert.deepEqual([...new Set(walked.values())], [1]);
    stamps.set(ids[0]!, 'wal-2');
    await until('walked again', () => walked.get(ids[0]!) === 2);
    assert.equal([...walked.values()].reduce((a, b) => a + b, 0), N + 1, 'only the instance that wrote is walked again');
    assert.ok(reconciler.checkStats.maxChecksPerRound <= BUDGET, `at most ${BUDGET} checks a round, saw ${reconciler.checkStats.maxChecksPerRound}`);
    assert.ok(reconciler.checkStats.rounds >= Math.ceil((3 * N) / BUDGET), `${reconciler.checkStats.rounds} rounds`);

    // A server exits: the engine says so, and it is checked (found down), marked restarting and ensured again
    // without waiting for the sweep to come round.
    const victim = ids[N - 1]!;
    down.add(victim);
    const ensuredBefore = ensured.length;
    exitWatcher!(victim);
    await until('restarted', () => ensured.length > ensuredBefore);
    assert.deepEqual(ensured.slice(ensuredBefore), [victim]);
    await until('running again', () => !down.has(victim));
    const row = await db.selectFrom('instances').select(['status']).where('id', '=', victim).executeTakeFirstOrThrow();
    assert.equal(row.status, 'running');
  } finally {
    await reconciler?.stop();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
