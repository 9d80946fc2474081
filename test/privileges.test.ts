// An instance admin cannot reach the server's OS user on any major: on PostgreSQL 11 and 15 (where
// CREATEROLE may grant any non-superuser role) the GRANTs of pg_execute_server_program,
// pg_read_server_files and pg_write_server_files are refused, and one held from before is taken away
// before it can be used; COPY ... FROM PROGRAM, COPY from a file and pg_read_file stay refused; the
// instance's OS user has no socket login as the bootstrap superuser (peer, mapped from pgcloud's own
// user only). As root, what the server starts runs in a sandbox: a private /tmp, only its own user's
// processes in /proc, no capabilities, no_new_privs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import pg from 'pg';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, waitForStatus, login, PASSWORD, type PostgresClient } from './support/sdk.ts';
import { superuserClient, SERVER_ROLES } from '../src/engine/local/roles.ts';
import { BOOTSTRAP_USER } from '../src/engine/local/config.ts';
import { Layout } from '../src/engine/local/layout.ts';
import { instanceUserName } from '../src/engine/local/runas.ts';

const root = process.getuid?.() === 0;
let svc: TestService;
let client: PostgresClient;
let marker: string;
before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '11,15' } });
  client = postgresClient(svc);
  // A file of the host's /tmp that no server may see.
  marker = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-privileges-marker-'));
});
after(async () => {
  await svc?.cleanup();
  fs.rmSync(marker, { recursive: true, force: true });
});

const socketOf = (id: string) => new Layout(path.join(svc.dataDir, 'engine')).instance(id).sock;
const refused = async (c: pg.Client, sql: string, pattern: RegExp) => {
  await assert.rejects(c.query(sql), (e: Error) => {
    assert.match(e.message, pattern, sql);
    return true;
  });
};
/** Lines a shell command prints, run by the server (as a superuser session) through COPY ... FROM PROGRAM. */
const shell = async (su: pg.Client, cmd: string): Promise<string[]> => {
  await su.query('CREATE TEMP TABLE IF NOT EXISTS out (line text); TRUNCATE out');
  await su.query(`COPY out FROM PROGRAM ${pg.escapeLiteral(cmd)} WITH (FORMAT csv, DELIMITER E'\\x1f', QUOTE E'\\x01')`);
  return (await su.query('SELECT line FROM out')).rows.map((r) => (r.line ?? '') as string);
};

for (const major of ['11', '15']) {
  test(`PostgreSQL ${major}: the admin cannot obtain the server-side roles or superuser, nor run a program or read a server file`, async () => {
    const res = await client.CreateInstances(createRequest({ DBMajorVersion: major }));
    const id = res.DBInstanceIdSet![0]!;
    const inst = await waitForStatus(client, id, 'running', 120_000);
    const admin = await login(inst, 'dbadmin', PASSWORD);
    try {
      assert.deepEqual((await admin.query('SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user')).rows[0], { rolsuper: false, rolcreaterole: true });
      for (const r of SERVER_ROLES) {
        await refused(admin, `GRANT ${r} TO dbadmin`, /must be superuser to alter superusers/);
        await refused(admin, `CREATE ROLE sneaky_${r} IN ROLE ${r}`, /must be superuser to alter superusers/);
        await refused(admin, `ALTER GROUP ${r} ADD USER dbadmin`, /reserved/);
      }
      await refused(admin, `GRANT ${BOOTSTRAP_USER} TO dbadmin`, /must be superuser/);
      await refused(admin, 'CREATE ROLE su2 SUPERUSER', /must be superuser/);
      await refused(admin, 'CREATE ROLE rep2 REPLICATION', /must be superuser/);
      await refused(admin, 'ALTER ROLE dbadmin SUPERUSER', /must be superuser/);
      await admin.query('CREATE TABLE out (line text)');
      await refused(admin, "COPY out FROM PROGRAM 'id'", /must be superuser or (a member|have privileges) of the pg_execute_server_program role/);
      await refused(admin, "COPY out FROM '/etc/passwd'", /must be superuser or (a member|have privileges) of the pg_read_server_files role/);
      await refused(admin, "COPY out TO '/tmp/x'", /must be superuser or (a member|have privileges) of the pg_write_server_files role/);
      await refused(admin, "SELECT pg_read_file('/etc/passwd')", /permission denied for function pg_read_file/);
      await refused(admin, "SELECT lo_import('/etc/passwd')", /permission denied for function lo_import/);
      // The roles are NOLOGIN superusers that nobody holds.
      const { rows } = await admin.query(
        `SELECT r.rolname, r.rolsuper, r.rolcanlogin, (SELECT count(*) FROM pg_auth_members m WHERE m.roleid = r.oid)::int AS members
           FROM pg_roles r WHERE r.rolname = ANY($1) ORDER BY 1`,
        [SERVER_ROLES],
      );
      assert.deepEqual(rows, [...SERVER_ROLES].sort().map((rolname) => ({ rolname, rolsuper: true, rolcanlogin: false, members: 0 })));
    } finally {
      await admin.end();
    }
  });

  test(`PostgreSQL ${major}: a server-side role an admin held from before is taken away, its session ended, before it can be used`, async (t) => {
    if (!root) return t.skip('needs root: the bootstrap superuser socket login is mapped from root');
    const res = await client.CreateInstances(createRequest({ DBMajorVersion: major }));
    const id = res.DBInstanceIdSet![0]!;
    const inst = await waitForStatus(client, id, 'running', 120_000);
    const port = inst.DBInstanceNetInfo[0].Port as number;
    // What an instance made by an earlier pgcloud may hold: the roles not superuser, granted to the
    // admin, and an admin session already acting as one of them.
    const su = await superuserClient(socketOf(id), port);
    await su.query(`UPDATE pg_authid SET rolsuper = false WHERE rolname = ANY($1)`, [SERVER_ROLES]);
    await su.query(`GRANT ${SERVER_ROLES.join(', ')} TO dbadmin`);
    await su.end();
    const held = await login(inst, 'dbadmin', PASSWORD);
    held.on('error', () => {});
    await held.query('SET ROLE pg_execute_server_program');
    const ended = new Promise<void>((resolve) => held.once('end', () => resolve()));

    // pgcloud restarts (a crash): the instance is ensured again, and the roles taken away.
    await svc.kill9();
    await svc.restart();
    await waitForStatus(client, id, 'running', 120_000);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const c = await superuserClient(socketOf(id), port);
      const { rows } = await c.query(`SELECT count(*) FILTER (WHERE NOT rolsuper)::int AS unlocked FROM pg_authid WHERE rolname = ANY($1)`, [SERVER_ROLES]);
      await c.end();
      if (rows[0].unlocked === 0) break;
      assert.ok(Date.now() < deadline, 'the roles were not locked');
      await new Promise((r) => setTimeout(r, 100));
    }
    await ended; // the session that had SET ROLE was ended
    const admin = await login(inst, 'dbadmin', PASSWORD);
    try {
      assert.equal((await admin.query(`SELECT count(*)::int AS n FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE r.rolname = ANY($1)`, [SERVER_ROLES])).rows[0].n, 0);
      await refused(admin, 'SET ROLE pg_execute_server_program', /permission denied to set role/);
      await admin.query('CREATE TABLE out (line text)');
      await refused(admin, "COPY out FROM PROGRAM 'id'", /pg_execute_server_program/);
      await refused(admin, `GRANT pg_execute_server_program TO dbadmin`, /must be superuser to alter superusers/);
    } finally {
      await admin.end();
    }
  });

  test(`PostgreSQL ${major}: no socket login as the bootstrap superuser for the instance's OS user; what the server starts runs sandboxed`, async (t) => {
    if (!root) return t.skip('needs root: instance users and the sandbox exist only then');
    const res = await client.CreateInstances(createRequest({ DBMajorVersion: major }));
    const id = res.DBInstanceIdSet![0]!;
    const inst = await waitForStatus(client, id, 'running', 120_000);
    const port = inst.DBInstanceNetInfo[0].Port as number;
    const user = instanceUserName('pgcloud', id);
    const sock = socketOf(id);
    // A process of the instance's user (what a shell escape would be) tries the socket as the superuser.
    const pgModule = createRequire(import.meta.url).resolve('pg');
    const probe = `const pg=require(${JSON.stringify(pgModule)});const c=new pg.Client({host:${JSON.stringify(sock)},port:${port},user:${JSON.stringify(BOOTSTRAP_USER)},database:'postgres'});` +
      `c.connect().then(()=>{console.log('CONNECTED');process.exit(0)},e=>{console.log('REFUSED '+e.message);process.exit(0)})`;
    const r = spawnSync('runuser', ['-u', user, '--', process.execPath, '-e', probe], { encoding: 'utf8', cwd: '/' });
    assert.match(r.stdout, /^REFUSED .*Peer authentication failed for user "tencentdb_pgcloud"/m, r.stdout + r.stderr);
    const hba = fs.readFileSync(path.join(path.dirname(sock), 'data', 'pg_hba.conf'), 'utf8');
    assert.doesNotMatch(hba, /\btrust\b/);

    // The server's own processes: sandboxed. A superuser session (pgcloud's own) runs a program to look.
    const su = await superuserClient(sock, port);
    try {
      assert.deepEqual(await shell(su, 'id -un'), [user]);
      const status = (await shell(su, 'cat /proc/self/status')).join('\n');
      assert.match(status, /^NoNewPrivs:\s+1$/m);
      assert.match(status, /^CapBnd:\s+0+$/m);
      assert.match(status, /^CapEff:\s+0+$/m);
      // A private /tmp: the host's (this test's marker directory, other services' data) is not there.
      const tmp = await shell(su, 'ls -a /tmp /var/tmp');
      assert.ok(!tmp.some((l) => l.includes(path.basename(marker))), tmp.join('\n'));
      assert.ok(fs.existsSync(marker));
      await shell(su, 'echo secret > /tmp/left-by-the-server; echo ok');
      assert.equal(fs.existsSync('/tmp/left-by-the-server'), false, 'written to the private /tmp, not the host one');
      assert.deepEqual(await shell(su, 'cat /tmp/left-by-the-server'), ['secret']);
      // Only its own user's processes are visible; pgcloud's (root) are not.
      const owners = new Set((await shell(su, "for p in /proc/[0-9]*; do stat -c %U $p; done")).filter(Boolean));
      assert.deepEqual([...owners], [user]);
      assert.equal((await shell(su, `test -e /proc/${process.pid} && echo seen || echo hidden`))[0], 'hidden');
      // Its data is where it was: the server (and pgcloud, from outside) see the same paths.
      assert.deepEqual(await shell(su, 'cat PG_VERSION'), [major]);
    } finally {
      await su.end();
    }
    execFileSync('true');
  });
}
