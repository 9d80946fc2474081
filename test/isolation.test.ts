// Tenant isolation between instances of one engine, against real PostgreSQL servers: as root each
// instance runs as a system user of its own, so an admin who grants himself pg_execute_server_program
// (CREATEROLE allows it up to PostgreSQL 15) and shells out with COPY ... FROM PROGRAM is that user,
// reaching only his own instance's files (the admin can no longer grant himself that role:
// test/privileges.test.ts; here a superuser session plays the escape). Also: HA nodes share their instance's user, destroy removes
// it, and an instance left by an earlier pgcloud (everything owned by the shared user `pgcloud`, its
// server running as that user) is taken over by its own user with its data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { execFileSync, spawn } from 'node:child_process';
import { createLocalEngine } from '../src/engine/local/index.ts';
import { openStore } from '../src/store/db.ts';
import { encryptionMissing } from '../src/engine/local/encryption.ts';
import { instanceUserName } from '../src/engine/local/runas.ts';
import type { Engine, InstanceSpec } from '../src/engine/types.ts';
import { scramVerifier } from '../src/core/scram.ts';
import { superuserClient } from '../src/engine/local/roles.ts';
import { freePort, killPostgresUnder, postmastersUnder, removeInstanceUsers, uidOfUser } from './support/service.ts';

const root0 = process.getuid?.() === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PASSWORD = 'Passw0rd!xyz';

let root: string;
let dataDir: string;
let engine: Engine;
let major: string;
const engines: Engine[] = [];
const logLines: Array<Record<string, unknown>> = [];
const open = () =>
  createLocalEngine({ dataDir, log: pino({ level: 'info' }, { write: (s: string) => void logLines.push(JSON.parse(s) as Record<string, unknown>) }) }).then(
    (e) => (engines.push(e), e),
  );

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-isolation-test-'));
  fs.chmodSync(root, 0o755);
  dataDir = path.join(root, 'engine');
  engine = await open();
  // 15 is the newest major where CREATEROLE may grant pg_execute_server_program.
  const majors = engine.installedVersions().map((v) => v.major);
  major = ['15', '14'].find((m) => majors.includes(m)) ?? majors.filter((m) => Number(m) <= 15).at(-1)!;
});

after(async () => {
  for (const e of engines) await e.stopAll().catch(() => {});
  killPostgresUnder(root);
  for (let i = 0; i < 200 && postmastersUnder(root).length; i++) await sleep(50);
  removeInstanceUsers(dataDir);
  fs.rmSync(root, { recursive: true, force: true });
});

let n = 0;
const spec = async (over: Partial<InstanceSpec> = {}): Promise<InstanceSpec> => ({
  id: `postgres-i${major}${process.pid % 1000}${(n++).toString().padStart(3, '0')}`,
  major,
  encoding: 'UTF8',
  cpu: 1,
  memoryMb: 512,
  storageGb: 10,
  host: '127.0.0.1',
  port: await freePort(),
  adminName: 'dbadmin',
  adminVerifier: scramVerifier(PASSWORD),
  ...over,
});
const connect = async (s: InstanceSpec) => {
  const c = new pg.Client({ host: s.host, port: s.port, user: s.adminName, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 5000 });
  await c.connect();
  return c;
};
const instanceDir = (id: string) => path.join(dataDir, 'instances', id);
const procUid = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
/** Lines a shell command prints, run by the server through COPY ... FROM PROGRAM. */
const shell = async (c: pg.Client, cmd: string): Promise<string[]> => {
  await c.query('TRUNCATE out');
  await c.query(`COPY out FROM PROGRAM ${pg.escapeLiteral(cmd)}`);
  return (await c.query('SELECT line FROM out')).rows.map((r) => r.line as string);
};
/** Paths under dir (dir included, symlinks not followed) whose owner is not uid. */
const notOwnedBy = (dir: string, uid: number): string[] => {
  const bad: string[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.uid !== uid) bad.push(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
  return bad;
};

test('instance user names: one per instance, shared by its HA nodes, at most 32 characters', () => {
  assert.equal(instanceUserName('pgcloud', 'postgres-abcd1234'), 'pgcloud-abcd1234');
  assert.equal(instanceUserName('pgcloud', 'postgres-abcd1234.1'), 'pgcloud-abcd1234');
  assert.notEqual(instanceUserName('pgcloud', 'postgres-abcd1235'), 'pgcloud-abcd1234');
  const odd = instanceUserName('pgcloud', 'Some_Odd.Id-' + 'x'.repeat(40));
  assert.match(odd, /^pgcloud_[0-9a-f]{12}$/);
  assert.equal(instanceUserName('pgcloud', 'Some_Odd.Id-' + 'x'.repeat(40) + '.1'), odd);
  assert.equal(instanceUserName('pgcloud', 'postgres-' + 'a'.repeat(24)), 'pgcloud-' + 'a'.repeat(24)); // 32
  assert.match(instanceUserName('pgcloud', 'postgres-' + 'a'.repeat(25)), /^pgcloud_[0-9a-f]{12}$/);
});

test('a shell escape from one instance runs as its own user and cannot reach another instance', async (t) => {
  if (!root0) return t.skip('needs root');
  const a = await spec();
  const b = await spec();
  await Promise.all([engine.ensureRunning(a), engine.ensureRunning(b)]);
  const userA = instanceUserName('pgcloud', a.id);
  const userB = instanceUserName('pgcloud', b.id);
  const uidA = uidOfUser(userA)!;
  const uidB = uidOfUser(userB)!;
  assert.ok(uidA > 0 && uidB > 0 && uidA !== uidB, `distinct users: ${userA}=${uidA} ${userB}=${uidB}`);
  const shared = uidOfUser('pgcloud');
  for (const [s, uid] of [[a, uidA], [b, uidB]] as const) {
    const { pid } = await engine.observe(s.id);
    assert.equal(procUid(pid!), uid, `postmaster of ${s.id} must run as its own user`);
    assert.deepEqual(notOwnedBy(instanceDir(s.id), uid), [], `every file of ${s.id} must be its user's`);
    assert.equal(fs.statSync(instanceDir(s.id)).mode & 0o777, 0o700);
  }

  const admin = await connect(a);
  const me = (await admin.query(`SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user`)).rows[0];
  assert.deepEqual(me, { rolsuper: false, rolcreaterole: true });
  // What CREATEROLE allowed on PostgreSQL 15 and before is refused now (test/privileges.test.ts) ...
  await assert.rejects(admin.query(`GRANT pg_execute_server_program, pg_read_server_files, pg_write_server_files TO ${a.adminName}`), /must be superuser/);
  await admin.end();
  // ... so the escape is played by a superuser session (pgcloud's own, over the socket): what the
  // server starts is still its instance's user, and reaches nothing of another instance.
  const c = await superuserClient(path.join(instanceDir(a.id), 'sock'), a.port);
  try {
    await c.query('CREATE TABLE out (line text)');
    const [name] = await shell(c, 'id -un');
    assert.equal(name, userA);
    assert.notEqual(name, 'pgcloud');
    assert.notEqual(name, 'root');
    assert.deepEqual(await shell(c, 'id -u'), [String(uidA)]);
    assert.notEqual(uidA, shared);

    // Its own files: readable.
    const dataA = path.join(instanceDir(a.id), 'data');
    const dataB = path.join(instanceDir(b.id), 'data');
    assert.deepEqual(await shell(c, `cat ${dataA}/PG_VERSION`), [major]);
    // Another instance's: neither a listing, nor a read, nor a write, by any route.
    await assert.rejects(shell(c, `ls ${dataB}`), /program "ls .*" failed/);
    const ls = await shell(c, `ls ${instanceDir(b.id)} ${dataB} 2>&1; true`);
    assert.ok(ls.length > 0 && ls.every((l) => /Permission denied/.test(l)), ls.join('\n'));
    const cat = await shell(c, `cat ${dataB}/PG_VERSION 2>&1; true`);
    assert.match(cat.join('\n'), /Permission denied/);
    await c.query('TRUNCATE out');
    await c.query(`COPY out FROM ${pg.escapeLiteral(dataA + '/PG_VERSION')}`); // pg_read_server_files
    assert.equal((await c.query('SELECT line FROM out')).rows[0].line, major);
    await assert.rejects(c.query(`COPY out FROM ${pg.escapeLiteral(dataB + '/PG_VERSION')}`), /could not open file .* Permission denied/);
    await assert.rejects(c.query(`COPY (SELECT 1) TO ${pg.escapeLiteral(instanceDir(b.id) + '/evil')}`), /Permission denied/);
    assert.match((await shell(c, `touch ${instanceDir(b.id)}/evil 2>&1; true`)).join('\n'), /Permission denied/);
    assert.equal(fs.existsSync(path.join(instanceDir(b.id), 'evil')), false);
    // Nor the templates (the shared user's), from which every new instance is copied.
    const tpl = await shell(c, `ls ${path.join(dataDir, 'templates', `${major}-UTF8`)} 2>&1; true`);
    assert.match(tpl.join('\n'), /Permission denied/);
    // B's server is not signalled by A's user either.
    const { pid: pidB } = await engine.observe(b.id);
    assert.match((await shell(c, `kill -0 ${pidB} 2>&1; true`)).join('\n'), /Operation not permitted|not permitted/);
  } finally {
    await c.end();
  }

  await Promise.all([engine.destroy(a.id), engine.destroy(b.id)]);
  for (const u of [userA, userB]) {
    assert.equal(uidOfUser(u), undefined, `destroy must remove user ${u}`);
    assert.throws(() => execFileSync('getent', ['group', u], { stdio: 'ignore' }), `destroy must remove group ${u}`);
  }
});

test('HA nodes of one instance share its user, which goes with the last of them', async (t) => {
  if (!root0) return t.skip('needs root');
  const node0 = await spec();
  const node1 = await spec({ id: `${node0.id}.1` });
  await Promise.all([engine.ensureRunning(node0), engine.ensureRunning(node1)]);
  const user = instanceUserName('pgcloud', node0.id);
  const uid = uidOfUser(user)!;
  for (const s of [node0, node1]) assert.equal(procUid((await engine.observe(s.id)).pid!), uid);
  await engine.destroy(node0.id);
  assert.equal(uidOfUser(user), uid, 'the other node still needs the user');
  assert.equal((await engine.observe(node1.id)).running, true);
  await engine.destroy(node1.id);
  assert.equal(uidOfUser(user), undefined);
});

test('an instance of an earlier pgcloud (shared user, server running as it) is taken over by its own user', async (t) => {
  if (!root0) return t.skip('needs root');
  const s = await spec();
  await engine.ensureRunning(s);
  let c = await connect(s);
  await c.query('CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
  await c.end();
  const user = instanceUserName('pgcloud', s.id);
  const shared = uidOfUser('pgcloud')!;
  const argv = fs.readFileSync(`/proc/${(await engine.observe(s.id)).pid}/cmdline`, 'utf8').split('\0').slice(0, -1);

  // What an earlier pgcloud left: no user of the instance, every file the shared user's, and its server
  // running as that user.
  await engine.stop(s.id);
  execFileSync('userdel', [user]);
  execFileSync('chown', ['-R', `${shared}:${shared}`, instanceDir(s.id)]);
  const data = path.join(instanceDir(s.id), 'data');
  const log = fs.openSync(path.join(instanceDir(s.id), 'server.log'), 'a');
  const old = spawn(argv[0]!, argv.slice(1), { cwd: data, uid: shared, gid: Number(execFileSync('id', ['-g', 'pgcloud'], { encoding: 'utf8' })), detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  old.unref();
  const ready = () => fs.existsSync(path.join(data, 'postmaster.pid')) && /^ready/m.test(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[7] ?? '');
  for (let i = 0; i < 600 && !ready(); i++) await sleep(10);
  assert.ok(ready(), 'the old server should be up');
  assert.equal(procUid(old.pid!), shared);

  const reborn = await open();
  await reborn.ensureRunning(s);
  const uid = uidOfUser(user)!;
  assert.ok(uid !== undefined && uid !== shared);
  const now = await reborn.observe(s.id);
  assert.notEqual(now.pid, old.pid, 'the server of the shared user must have been replaced');
  assert.equal(procUid(now.pid!), uid);
  assert.deepEqual(postmastersUnder(instanceDir(s.id)), [now.pid]);
  assert.deepEqual(notOwnedBy(instanceDir(s.id), uid), []);
  assert.ok(logLines.some((l) => l.msg === 'instance files given to its own user' && l.id === s.id));
  c = await connect(s);
  assert.equal((await c.query('SELECT v FROM kept')).rows[0].v, 42);
  await c.end();

  // A takeover interrupted midway (the instance and data directories still the shared user's, some
  // files already given) is simply done again.
  await reborn.stop(s.id);
  execFileSync('chown', ['-R', `${shared}:${shared}`, path.join(data, 'global')]);
  fs.chownSync(data, shared, shared);
  fs.chownSync(instanceDir(s.id), shared, shared);
  await reborn.ensureRunning(s);
  assert.deepEqual(notOwnedBy(instanceDir(s.id), uid), []);
  assert.equal(procUid((await reborn.observe(s.id)).pid!), uid);
  c = await connect(s);
  assert.equal((await c.query('SELECT v FROM kept')).rows[0].v, 42);
  await c.end();
  await reborn.destroy(s.id);
  assert.equal(uidOfUser(user), undefined);
});

test('an encrypted instance of an earlier pgcloud is taken over too, its gocryptfs.conf left to root', async (t) => {
  if (!root0) return t.skip('needs root');
  if (encryptionMissing().length) return t.skip(`no ${encryptionMissing().join(', ')}`);
  const s = await spec({ encryption: { passphrase: 'a'.repeat(64) } });
  await engine.ensureRunning(s);
  let c = await connect(s);
  await c.query('CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)');
  await c.end();
  const user = instanceUserName('pgcloud', s.id);
  const shared = uidOfUser('pgcloud')!;
  // Its server stopped with the cleartext view still mounted, the instance user gone, and the files
  // (cleartext ones through the mount) the shared user's, as an earlier pgcloud left them.
  const { pid } = await engine.observe(s.id);
  process.kill(pid!, 'SIGINT');
  while (fs.existsSync(`/proc/${pid}`)) await sleep(10);
  execFileSync('userdel', ['--force', user]); // its gocryptfs (root) keeps a thread that acted as it
  const data = fs.realpathSync(path.join(instanceDir(s.id), 'data'));
  for (const f of [path.join(instanceDir(s.id), 'plain'), path.join(instanceDir(s.id), 'sock'), path.join(instanceDir(s.id), 'server.log'), instanceDir(s.id)]) fs.chownSync(f, shared, shared);
  execFileSync('chown', ['-R', `${shared}:${shared}`, data]);

  const reborn = await open();
  await reborn.ensureRunning(s);
  const uid = uidOfUser(user)!;
  assert.equal(procUid((await reborn.observe(s.id)).pid!), uid);
  const cipher = path.join(instanceDir(s.id), 'cipher');
  assert.deepEqual(notOwnedBy(instanceDir(s.id), uid).filter((f) => f !== cipher && !f.startsWith(cipher + path.sep)), []);
  assert.equal(fs.statSync(path.join(cipher, 'gocryptfs.conf')).uid, 0);
  c = await connect(s);
  assert.equal((await c.query('SELECT v FROM kept')).rows[0].v, 7);
  await c.end();
  await reborn.destroy(s.id);
  assert.equal(uidOfUser(user), undefined);
});

test('the store is private to the service (the data directory is traversable by PostgreSQL users as root)', async () => {
  const dir = path.join(root, 'store');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'pgcloud.db'), '', { mode: 0o644 }); // as an earlier pgcloud made it
  fs.chmodSync(path.join(dir, 'pgcloud.db'), 0o644);
  const db = await openStore(dir, '');
  try {
    await db.selectFrom('instances').select('id').execute(); // the WAL files exist while it is open
    for (const f of ['pgcloud.db', 'pgcloud.db-wal', 'pgcloud.db-shm']) assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
  } finally {
    await db.destroy();
  }
});
