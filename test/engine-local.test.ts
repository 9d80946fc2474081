// The local engine against real PostgreSQL servers, for every installed major: create, log in over TCP
// with the SCRAM-provisioned admin, the admin's rights, rejected logins, idempotence, stop/restart with
// the data kept, adoption by a new engine object (as after a SIGKILL of the service), destroy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLocalEngine } from '../src/engine/local/index.ts';
import type { Engine, InstanceSpec } from '../src/engine/types.ts';
import { scramVerifier } from '../src/core/scram.ts';
import { sizing } from '../src/engine/local/config.ts';
import { instanceUserName } from '../src/engine/local/runas.ts';
import { freePort, killPostgresUnder, postmastersUnder, removeInstanceUsers, uidOfUser } from './support/service.ts';

const MAJOR_CONCURRENCY = 3;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let root: string;
let dataDir: string;
let engine: Engine;
const engines: Engine[] = [];
const logLines: Array<Record<string, unknown>> = [];
const logger = () =>
  pino({ level: 'info' }, { write: (s: string) => void logLines.push(JSON.parse(s) as Record<string, unknown>) });

const open = () => createLocalEngine({ dataDir, log: logger() }).then((e) => (engines.push(e), e));

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-engine-test-'));
  fs.chmodSync(root, 0o755); // when root, PostgreSQL runs as an unprivileged user that must traverse it
  dataDir = path.join(root, 'engine');
  engine = await open();
});

after(async () => {
  for (const e of engines) await e.stopAll().catch(() => {});
  killPostgresUnder(root);
  for (let i = 0; i < 200 && postmastersUnder(root).length; i++) await sleep(50); // then their users can go
  removeInstanceUsers(dataDir);
  fs.rmSync(root, { recursive: true, force: true });
  const ensured = logLines.filter((l) => l.msg === 'instance ensured' && typeof l.copyMs === 'number');
  const avg = (k: string) => Math.round(ensured.reduce((s, l) => s + Number(l[k] ?? 0), 0) / Math.max(1, ensured.length));
  if (ensured.length) console.log(`# engine timings over ${ensured.length} new instances: copy ${avg('copyMs')} ms, start ${avg('startMs')} ms, role ${avg('roleMs')} ms, ensureRunning ${avg('totalMs')} ms`);
});

let n = 0;
const spec = async (major: string, over: Partial<InstanceSpec> = {}): Promise<InstanceSpec> => ({
  id: `postgres-t${major}${(n++).toString().padStart(4, '0')}`,
  major,
  encoding: 'UTF8',
  cpu: 1,
  memoryMb: 1024,
  storageGb: 10,
  host: '127.0.0.1',
  port: await freePort(),
  adminName: 'dbadmin',
  adminVerifier: scramVerifier('Passw0rd!xyz'),
  ...over,
});

const connect = async (s: InstanceSpec, user = s.adminName, password = 'Passw0rd!xyz', database = 'postgres') => {
  const c = new pg.Client({ host: s.host, port: s.port, user, password, database, connectionTimeoutMillis: 5000 });
  await c.connect();
  return c;
};
const one = async (c: pg.Client, sql: string) => (await c.query(sql)).rows[0];
const instanceDir = (id: string) => path.join(dataDir, 'instances', id);

test('installedVersions lists every installed major, newest last, with the binary version', () => {
  const v = engine.installedVersions();
  assert.ok(v.length > 0, 'no PostgreSQL installed');
  for (const { major, version } of v) assert.match(version, new RegExp(`^${major}\\.\\d+$`));
  const majors = v.map((x) => Number(x.major));
  assert.deepEqual(majors, [...majors].sort((a, b) => a - b));
  assert.equal(new Set(majors).size, majors.length);
});

test('templates are made once, concurrently requested ones share the work', async () => {
  const majors = engine.installedVersions().map((v) => v.major);
  await Promise.all([engine.prepareTemplates(majors, ['UTF8']), engine.prepareTemplates([majors[0]!], ['UTF8', 'LATIN1'])]);
  const made = logLines.filter((l) => l.msg === 'template cluster ready');
  assert.equal(made.length, majors.length + 1);
  for (const m of majors) assert.ok(fs.existsSync(path.join(dataDir, 'templates', `${m}-UTF8`, 'PG_VERSION')));
  await engine.prepareTemplates(majors, ['UTF8']); // idempotent
  assert.equal(logLines.filter((l) => l.msg === 'template cluster ready').length, majors.length + 1);
});

test('every major: create, log in, admin rights, rejections, idempotence, restart, adoption, destroy', { concurrency: MAJOR_CONCURRENCY }, async (t) => {
  const versions = engine.installedVersions();
  await Promise.all(
    versions.map(({ major, version }, i) =>
      t.test(`PostgreSQL ${version}`, async () => {
        const s = await spec(major, { encoding: i === 0 ? 'LATIN1' : 'UTF8' });
        const t0 = performance.now();
        await engine.ensureRunning(s);
        let c = await connect(s);
        const firstLoginMs = performance.now() - t0;
        try {
          assert.match((await one(c, 'SELECT version()')).version, new RegExp(`^PostgreSQL ${version.replace('.', '\\.')}\\b`));
          assert.equal((await one(c, 'SHOW server_encoding')).server_encoding, s.encoding);
          const me = await one(c, `SELECT rolsuper, rolcreatedb, rolcreaterole, pg_has_role('pg_monitor', 'member') AS monitor FROM pg_roles WHERE rolname = current_user`);
          assert.deepEqual(me, { rolsuper: false, rolcreatedb: true, rolcreaterole: true, monitor: true });
          await c.query('CREATE DATABASE appdb');
          await c.query(`CREATE ROLE app_user LOGIN PASSWORD 'x'`);
          await c.query('CREATE TABLE kept (v int)'); // in database postgres, schema public (PostgreSQL 15+ needs the grant)
          await c.query('INSERT INTO kept VALUES (42)');
        } finally {
          await c.end();
        }

        await assert.rejects(connect(s, s.adminName, 'wrong-password'), (e: { code?: string }) => e.code === '28P01');
        await assert.rejects(connect(s, 'tencentdb_pgcloud', 'anything'), (e: { code?: string }) => e.code === '28000');

        const first = await engine.observe(s.id);
        assert.equal(first.exists, true);
        assert.equal(first.running, true);
        // As root, each instance runs as a system user of its own (made with it, removed by destroy).
        const user = instanceUserName('pgcloud', s.id);
        if (process.getuid?.() === 0) assert.equal(fs.statSync(`/proc/${first.pid}`).uid, uidOfUser(user), `postgres must run as ${user}`);
        await engine.ensureRunning(s);
        assert.equal((await engine.observe(s.id)).pid, first.pid, 'ensureRunning twice restarted the server');

        await engine.stop(s.id);
        assert.deepEqual(await engine.observe(s.id), { exists: true, running: false });
        await engine.stop(s.id); // idempotent
        await engine.ensureRunning(s);
        const restarted = await engine.observe(s.id);
        assert.equal(restarted.running, true);
        assert.notEqual(restarted.pid, first.pid);
        c = await connect(s, s.adminName, 'Passw0rd!xyz', 'appdb');
        await c.end();
        c = await connect(s);
        assert.equal((await one(c, 'SELECT v FROM kept')).v, 42);
        await c.end();

        // A new engine object on the same directory, as after the service was SIGKILLed and restarted.
        const reborn = await open();
        await reborn.ensureRunning(s);
        assert.equal((await reborn.observe(s.id)).pid, restarted.pid, 'the restarted service must adopt the running server');
        assert.deepEqual(postmastersUnder(instanceDir(s.id)), [restarted.pid]);

        await reborn.destroy(s.id);
        assert.equal(fs.existsSync(instanceDir(s.id)), false);
        assert.deepEqual(postmastersUnder(instanceDir(s.id)), []);
        assert.deepEqual(await engine.observe(s.id), { exists: false, running: false });
        if (process.getuid?.() === 0) assert.equal(uidOfUser(user), undefined, `destroy must remove user ${user}`);
        await reborn.destroy(s.id); // idempotent
        t.diagnostic(`PostgreSQL ${version} ${s.encoding}: ensureRunning → first login ${Math.round(firstLoginMs)} ms`);
      }),
    ),
  );
});

test('sizing follows the instance memory within the host limits', () => {
  assert.deepEqual(sizing(2048, 1, 24576), {
    sharedBuffersMb: 256, effectiveCacheSizeMb: 1536, maxConnections: 102, workMemMb: 4, maintenanceWorkMemMb: 128, parallelWorkers: 1, parallelWorkersPerGather: 0,
  });
  assert.equal(sizing(1024, 1, 24576).sharedBuffersMb, 256);
  assert.equal(sizing(512, 1, 24576).sharedBuffersMb, 128);
  assert.equal(sizing(4096, 2, 2048).sharedBuffersMb, 128); // a small host caps it at 1/16 of its RAM
  assert.equal(sizing(1024, 1, 24576).maxConnections, 100);
  assert.equal(sizing(131072, 16, 24576).maxConnections, 2000);
});

const newest = () => engine.installedVersions().at(-1)!.major;

test('concurrent ensureRunning of one instance start one server', async () => {
  const s = await spec(newest());
  await Promise.all([engine.ensureRunning(s), engine.ensureRunning(s), engine.ensureRunning(s)]);
  const o = await engine.observe(s.id);
  assert.deepEqual(postmastersUnder(instanceDir(s.id)), [o.pid]);
  await engine.destroy(s.id);
});

test('an existing admin role keeps its password; a new memory size is applied with a restart', async () => {
  const s = await spec(newest(), { memoryMb: 512 });
  await engine.ensureRunning(s);
  const pid = (await engine.observe(s.id)).pid;
  const verifier = scramVerifier('An0ther-Secret');
  // The role's password belongs to the user once made: a later ensureRunning (e.g. after a restart of
  // the service, or with a stale verifier) never reverts it.
  await engine.ensureRunning({ ...s, adminVerifier: verifier });
  assert.equal((await engine.observe(s.id)).pid, pid, 'nothing here needs a restart');
  await assert.rejects(connect(s, s.adminName, 'An0ther-Secret'), (e: { code?: string }) => e.code === '28P01');
  let c = await connect(s);
  await c.query(`ALTER ROLE ${s.adminName} PASSWORD 'An0ther-Secret'`);
  await c.end();
  await engine.stop(s.id);
  await engine.ensureRunning(s);
  c = await connect(s, s.adminName, 'An0ther-Secret');
  await c.end();
  // The Unix socket is only for the bootstrap superuser.
  const sock = new pg.Client({ host: path.join(instanceDir(s.id), 'sock'), port: s.port, user: s.adminName, password: 'An0ther-Secret', database: 'postgres' });
  await assert.rejects(sock.connect(), (e: { code?: string }) => e.code === '28000');
  assert.equal(fs.statSync(path.join(instanceDir(s.id), 'sock')).mode & 0o777, 0o700);
  // The log never holds the verifier, let alone the password.
  const log = fs.readFileSync(path.join(instanceDir(s.id), 'server.log'), 'utf8');
  assert.ok(!log.includes(verifier.split('$')[2]!) && !log.includes('An0ther-Secret'));

  await engine.ensureRunning({ ...s, adminVerifier: verifier, memoryMb: 4096 });
  const o = await engine.observe(s.id);
  assert.notEqual(o.pid, pid, 'shared_buffers needs a restart');
  c = await connect(s, s.adminName, 'An0ther-Secret');
  const sb = Number((await one(c, `SELECT pg_size_bytes(current_setting('shared_buffers')) / 1048576 AS mb`)).mb);
  const conns = (await one(c, 'SHOW max_connections')).max_connections;
  await c.end();
  assert.equal(sb, Math.max(32, Math.min(1024, Math.floor(os.totalmem() / 1048576 / 16), 256)));
  assert.equal(conns, '204');
  await engine.destroy(s.id);
});

test('a port already in use fails with a clear error', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  try {
    const s = await spec(newest(), { port: (blocker.address() as net.AddressInfo).port });
    await assert.rejects(engine.ensureRunning(s), /already in use/);
    assert.equal((await engine.observe(s.id)).running, false);
    await engine.destroy(s.id);
  } finally {
    blocker.close();
  }
});

test('stopAll stops every server the engine runs and keeps their data', async () => {
  const a = await spec(newest());
  const b = await spec(newest());
  await Promise.all([engine.ensureRunning(a), engine.ensureRunning(b)]);
  await engine.stopAll();
  for (const s of [a, b]) assert.deepEqual(await engine.observe(s.id), { exists: true, running: false });
  await engine.ensureRunning(a);
  assert.equal((await engine.observe(a.id)).running, true);
  await Promise.all([engine.destroy(a.id), engine.destroy(b.id)]);
});

/** Runs `body` (with an engine `e` on dir) in a separate service process, SIGKILLs it once it printed `marker` (after delayMs). */
async function killedService(dir: string, body: string, marker: string, delayMs = 0, env: Record<string, string> = {}): Promise<void> {
  const code = `
    import pino from 'pino';
    import { createLocalEngine } from './src/engine/local/index.ts';
    const e = await createLocalEngine({ dataDir: process.env.ENGINE_DIR, log: pino({ level: 'silent' }) });
    ${body}
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: repo,
    env: { ...process.env, ENGINE_DIR: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => out.includes(marker) && resolve());
      child.once('exit', (c) => reject(new Error(`service process exited with ${c}: ${out}`)));
    });
    await sleep(delayMs);
  } finally {
    child.kill('SIGKILL');
  }
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
}

test('a server outlives a SIGKILLed service process and the next one adopts it', async () => {
  const s = await spec(newest());
  await killedService(dataDir, `await e.ensureRunning(JSON.parse(process.env.SPEC)); console.log('ready');`, 'ready', 0, { SPEC: JSON.stringify(s) });
  const before = postmastersUnder(instanceDir(s.id));
  assert.equal(before.length, 1, 'the server must survive its service');
  const reborn = await open();
  await reborn.ensureRunning(s);
  assert.equal((await reborn.observe(s.id)).pid, before[0]);
  assert.deepEqual(postmastersUnder(instanceDir(s.id)), before);
  const c = await connect(s);
  await c.end();
  await reborn.stopAll();
  assert.deepEqual(postmastersUnder(instanceDir(s.id)), []);
  await reborn.destroy(s.id);
});

test('a killed postmaster is started again by ensureRunning, its orphaned backends cleared, data kept', async () => {
  const s = await spec(newest());
  await engine.ensureRunning(s);
  const c = await connect(s);
  c.on('error', () => {});
  await c.query('CREATE TABLE t (v int); INSERT INTO t VALUES (7)');
  const { pid } = await engine.observe(s.id);
  process.kill(pid!, 'SIGKILL');
  while ((await engine.observe(s.id)).running) await sleep(10);
  await engine.ensureRunning(s);
  const o = await engine.observe(s.id);
  assert.equal(o.running, true);
  assert.notEqual(o.pid, pid);
  await c.end().catch(() => {});
  const c2 = await connect(s);
  assert.equal((await one(c2, 'SELECT v FROM t')).v, 7);
  await c2.end();
  await engine.destroy(s.id);
});

test('leftovers of interrupted work are cleaned and a recycled pid in postmaster.pid does not block a start', async () => {
  const s = await spec(newest());
  await engine.ensureRunning(s);
  await engine.stop(s.id);
  const data = path.join(instanceDir(s.id), 'data');
  // postmaster.pid naming a live process that is not its postmaster (pid recycled after a reboot)
  fs.writeFileSync(path.join(data, 'postmaster.pid'), `${process.pid}\n${data}\n0\n${s.port}\n\n\n0 0\nready   \n`);
  assert.equal((await engine.observe(s.id)).running, false);
  const junk = [path.join(dataDir, 'templates', '.tmp-99-UTF8-dead'), path.join(dataDir, 'instances', '.trash-postgres-gone-dead')];
  for (const d of junk) fs.mkdirSync(path.join(d, 'x'), { recursive: true });
  const reborn = await open();
  for (const d of junk) assert.equal(fs.existsSync(d), false);
  // a copy interrupted by a crash
  const t = await spec(newest());
  fs.mkdirSync(path.join(instanceDir(t.id), 'data.tmp', 'base'), { recursive: true });
  await Promise.all([reborn.ensureRunning(s), reborn.ensureRunning(t)]);
  for (const x of [s, t]) assert.equal((await reborn.observe(x.id)).running, true);
  assert.equal(fs.existsSync(path.join(instanceDir(t.id), 'data.tmp')), false);
  await Promise.all([reborn.destroy(s.id), reborn.destroy(t.id)]);
});

test('an initdb orphaned by a SIGKILLed service is killed and its template made again', async () => {
  const dir = path.join(root, 'orphan-initdb');
  const major = newest();
  await killedService(dir, `console.log('go'); await e.prepareTemplates([process.env.MAJOR], ['UTF8']);`, 'go', 300, { MAJOR: major });
  const e = await createLocalEngine({ dataDir: dir, log: logger() });
  engines.push(e);
  assert.ok(logLines.some((l) => l.msg === 'killing initdb/cp processes left by a previous run'), 'the kill should have landed during initdb');
  const leftovers = () => fs.readdirSync(path.join(dir, 'templates')).filter((n) => n.startsWith('.tmp-'));
  assert.deepEqual(leftovers(), []);
  for (const entry of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    const cmd = (() => { try { return fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8'); } catch { return ''; } })();
    assert.ok(!(cmd.includes('initdb') && cmd.includes(dir)), `initdb still running: ${cmd}`);
  }
  await e.prepareTemplates([major], ['UTF8']);
  assert.ok(fs.existsSync(path.join(dir, 'templates', `${major}-UTF8`, 'PG_VERSION')));
});

test('stopAll during a template build kills its initdb and bootstrap backend and removes the half-made template', async () => {
  const dir = path.join(root, 'stop-during-initdb');
  const major = newest();
  const e = await createLocalEngine({ dataDir: dir, log: logger() });
  engines.push(e);
  const building = e.prepareTemplates([major], ['UTF8']);
  const tmpDirs = () => fs.readdirSync(path.join(dir, 'templates')).filter((n) => n.startsWith('.tmp-'));
  // Stopped while initdb is at work (its temporary directory holds a cluster being written).
  for (let i = 0; i < 500 && !fs.existsSync(path.join(dir, 'templates', tmpDirs()[0] ?? '-', 'base')); i++) await sleep(5);
  assert.equal(tmpDirs().length, 1, 'initdb should be at work');
  await e.stopAll();
  await assert.rejects(building);
  assert.deepEqual(tmpDirs(), []);
  assert.ok(!fs.existsSync(path.join(dir, 'templates', `${major}-UTF8`)));
  for (const entry of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    const cwd = (() => { try { return fs.readlinkSync(`/proc/${entry}/cwd`); } catch { return ''; } })();
    const cmd = (() => { try { return fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8'); } catch { return ''; } })();
    assert.ok(!cwd.startsWith(dir) && !cmd.includes(dir), `a process of the build is left: ${entry} ${cmd}`);
  }
  // The engine makes templates again afterwards.
  await e.prepareTemplates([major], ['UTF8']);
  assert.ok(fs.existsSync(path.join(dir, 'templates', `${major}-UTF8`, 'PG_VERSION')));
});

test('a new standby is a template copy while its slot holds the WAL since the template checkpoint, else a base backup; both stream the same data', async () => {
  const major = newest();
  const p = await spec(major, { replication: { role: 'primary', slots: ['s1', 's2'], synchronous: [] } });
  const standby = async (n: number): Promise<InstanceSpec> =>
    spec(major, { id: `${p.id}.${n}`, replication: { role: 'standby', upstream: p.id, slot: `s${n}`, name: `s${n}` } });
  const s1 = await standby(1);
  const s2 = await standby(2);
  await Promise.all([engine.ensureRunning(p), engine.stageStandby!(s1), engine.stageStandby!(s2)]);
  const db = await connect(p);
  db.on('error', () => {});
  const su = new pg.Client({ host: path.join(instanceDir(p.id), 'sock'), port: p.port, user: 'tencentdb_pgcloud', database: 'postgres' });
  su.on('error', () => {});
  await su.connect();
  await db.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
  await db.query('INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 3000) g');
  // s1's slot keeps the WAL from the template's checkpoint through a checkpoint: the copy still fits.
  await su.query('CHECKPOINT');
  await engine.ensureRunning(s1);
  // s2's slot made again after a checkpoint no longer reaches back to it: a base backup.
  await su.query("SELECT pg_drop_replication_slot('s2')");
  await su.query('CHECKPOINT');
  await engine.ensureRunning(s2);
  assert.ok(!fs.existsSync(path.join(instanceDir(s1.id), 'data', 'backup_label.old')), 's1 is a copy of the template');
  assert.ok(fs.existsSync(path.join(instanceDir(s2.id), 'data', 'backup_label.old')), 's2 came from a base backup');
  assert.ok(!fs.existsSync(path.join(instanceDir(s2.id), 'data.staged')), 'the unused copy is removed');
  await db.query('INSERT INTO t VALUES (3001, $1)', ['last']);
  const want = await one(db, "SELECT count(*)::int AS n, md5(string_agg(v, ',' ORDER BY id)) AS h, pg_current_wal_lsn()::text AS lsn FROM t");
  const streaming = async () => (await db.query("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1")).rows.map((r) => r.application_name);
  for (let i = 0; i < 200 && (await streaming()).length < 2; i++) await sleep(50);
  assert.deepEqual(await streaming(), ['s1', 's2']);
  for (const s of [s1, s2]) {
    const c = new pg.Client({ host: path.join(instanceDir(s.id), 'sock'), port: s.port, user: 'tencentdb_pgcloud', database: 'postgres' });
    await c.connect();
    try {
      for (let i = 0; i < 200 && !(await one(c, `SELECT pg_last_wal_replay_lsn() >= '${want.lsn}'::pg_lsn AS ok`)).ok; i++) await sleep(50);
      const got = await one(c, "SELECT count(*)::int AS n, md5(string_agg(v, ',' ORDER BY id)) AS h, pg_is_in_recovery() AS r FROM t");
      assert.deepEqual(got, { n: 3001, h: want.h, r: true }, s.id);
    } finally {
      await c.end();
    }
  }
  await db.end();
  await su.end();
  for (const s of [s2, s1, p]) await engine.destroy(s.id);
});
