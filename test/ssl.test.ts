// TLS end to end: ModifyDBInstanceSSLConfig turns the server's TLS on with a certificate for the
// instance's connect address (its IP in the subjectAltName) issued by the account's CA, whose
// certificate DescribeDBInstanceSSLConfig's CAUrl downloads from pgcloud; a pg client and psql verify
// the server fully (CA and address) and connect; turning SSL off makes an sslmode=require login fail.
// Private keys appear in no reply and no log; on disk only the servers' keys, mode 0600.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, waitForStatus, PASSWORD, type PostgresClient } from './support/sdk.ts';
import { waitFor } from './support/processes.ts';
import { makeCaCert, newKeyPem } from '../src/engine/local/x509.ts';

let svc: TestService;
let client: PostgresClient;
let id: string;
let host: string;
let port: number;
let tmp: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-ssl-test-'));
  svc = await startService({ env: { PGCLOUD_PREWARM: '15' } });
  client = postgresClient(svc);
  const res = await client.CreateInstances(createRequest({ DBMajorVersion: '15' }));
  id = res.DBInstanceIdSet![0]!;
  const inst = await waitForStatus(client, id, 'running');
  const net = (inst.DBInstanceNetInfo as any[]).find((n) => n.NetType === 'private');
  host = net.Ip;
  port = net.Port;
});
after(async () => {
  await svc?.cleanup();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function taskDone(taskId: number): Promise<void> {
  const status = await waitFor(`task ${taskId}`, async () => {
    const t = (await client.DescribeTasks({ TaskId: taskId })).TaskSet![0]!;
    return t.Status !== 'Running' && t.Status;
  }, 60_000);
  assert.equal(status, 'Success');
}

/** A login as the admin with these TLS options (false: no TLS); resolves to whether the session uses TLS. */
async function sslLogin(ssl: pg.ClientConfig['ssl']): Promise<boolean> {
  const c = new pg.Client({ host, port, user: 'dbadmin', password: PASSWORD, database: 'postgres', ssl, connectionTimeoutMillis: 10_000 });
  c.on('error', () => {});
  await c.connect();
  try {
    const { rows } = await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return rows[0].ssl as boolean;
  } finally {
    await c.end();
  }
}

/** verify-full as libpq does it: the chain to this CA, and the connect address in the certificate. */
const verifyFull = (ca: string): pg.ClientConfig['ssl'] => ({ ca, rejectUnauthorized: true, checkServerIdentity: (_h, cert) => tls.checkServerIdentity(host, cert) });

function psql(sslmode: string, rootcert?: string) {
  const conn = `host=${host} port=${port} user=dbadmin dbname=postgres sslmode=${sslmode}${rootcert ? ` sslrootcert=${rootcert}` : ''}`;
  return spawnSync('psql', [conn, '-XAtc', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'], { env: { ...process.env, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '10' }, encoding: 'utf8' });
}

/** Every file under dir whose content holds a PEM private key. */
function privateKeyFiles(dir: string): string[] {
  const found: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true } as any) as unknown as fs.Dirent[]) {
    if (!e.isFile()) continue;
    const p = path.join((e as any).parentPath ?? (e as any).path, e.name);
    try {
      if (fs.statSync(p).size < 100_000 && fs.readFileSync(p, 'latin1').includes('PRIVATE KEY-----')) found.push(p);
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return found;
}

test('SSL: off at first; bad input refused with its code', async () => {
  const d = await client.DescribeDBInstanceSSLConfig({ DBInstanceId: id });
  assert.equal(d.SSLEnabled, false);
  assert.equal(d.CAUrl, '');
  assert.equal(d.ConnectAddress, '');
  assert.equal(await errorCode(client.ModifyDBInstanceSSLConfig({ DBInstanceId: id, SSLEnabled: true })), 'MissingParameter');
  assert.equal(await errorCode(client.ModifyDBInstanceSSLConfig({ DBInstanceId: id, SSLEnabled: true, ConnectAddress: '10.9.9.9' })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.ModifyDBInstanceSSLConfig({ DBInstanceId: 'postgres-nonexist', SSLEnabled: true, ConnectAddress: host })), 'ResourceNotFound.InstanceNotFoundError');
  assert.equal(await errorCode(client.DescribeDBInstanceSSLConfig({ DBInstanceId: 'postgres-nonexist' })), 'ResourceNotFound.InstanceNotFoundError');
  // Without TLS on the server, a client that requires it is refused.
  await assert.rejects(sslLogin({ rejectUnauthorized: false }), /does not support SSL/);
  assert.equal(await sslLogin(false), false);
});

test('SSL on: verify-full against the CA that CAUrl downloads; off: sslmode=require fails', async () => {
  const { TaskId } = await client.ModifyDBInstanceSSLConfig({ DBInstanceId: id, SSLEnabled: true, ConnectAddress: host });
  await taskDone(TaskId!);
  const d = await client.DescribeDBInstanceSSLConfig({ DBInstanceId: id });
  assert.equal(d.SSLEnabled, true);
  assert.equal(d.ConnectAddress, host);
  assert.match(d.CAUrl!, new RegExp(`^http://${svc.endpoint.replace(/\./g, '\\.')}/ssl/ca/[0-9a-f]{32}\\.crt$`));
  assert.doesNotMatch(JSON.stringify(d), /PRIVATE/);
  // CAUrl downloads the CA certificate from pgcloud itself: the same as CACert, a CA.
  const res = await fetch(d.CAUrl!);
  assert.equal(res.status, 200);
  const caPem = await res.text();
  assert.equal(caPem, d.CACert);
  const ca = new X509Certificate(caPem);
  assert.equal(ca.ca, true);
  assert.equal((await fetch(d.CAUrl!.replace(/[0-9a-f]{32}/, '0'.repeat(32)))).status, 404);

  // The server's certificate: issued by that CA, for the connect address.
  const peer = await new Promise<X509Certificate>((resolve, reject) => {
    const c = new pg.Client({ host, port, user: 'dbadmin', password: PASSWORD, database: 'postgres', ssl: verifyFull(caPem) });
    c.on('error', () => {});
    c.connect().then(() => {
      const sock = (c as any).connection.stream as tls.TLSSocket;
      const cert = new X509Certificate(sock.getPeerX509Certificate()!.raw);
      c.end().then(() => resolve(cert), reject);
    }, reject);
  });
  assert.equal(peer.checkIssued(ca), true);
  assert.equal(peer.checkIP(host), host);
  assert.equal(peer.ca, false);

  assert.equal(await sslLogin(verifyFull(caPem)), true);
  // Another CA, or another name than the certificate's, is refused by a verifying client.
  const otherCa = await makeCaCert(newKeyPem(), 'someone else');
  await assert.rejects(sslLogin({ ca: otherCa, rejectUnauthorized: true }), /self[- ]signed|unable to verify|certificate/i);
  await assert.rejects(sslLogin({ ca: caPem, rejectUnauthorized: true, checkServerIdentity: (_h, cert) => tls.checkServerIdentity('127.9.9.9', cert) }), /IP: 127\.9\.9\.9 is not in the cert's list/);
  // psql (libpq) with sslmode=verify-full and the downloaded CA.
  const rootcert = path.join(tmp, 'ca.crt');
  fs.writeFileSync(rootcert, caPem);
  const ok = psql('verify-full', rootcert);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), 't');

  // Keys: on disk only the server's (0600), never the CA's; none in the service's output.
  const keys = privateKeyFiles(svc.dataDir);
  assert.ok(keys.length >= 1, 'the server key is on disk');
  for (const k of keys) {
    assert.equal(path.basename(k), 'server.key', `only server keys are on disk in the clear: ${k}`);
    assert.equal(fs.statSync(k).mode & 0o777, 0o600);
  }
  assert.doesNotMatch(svc.output(), /PRIVATE KEY/);

  // Off: the server no longer speaks TLS (sslmode=require fails), plain logins still work.
  const off = await client.ModifyDBInstanceSSLConfig({ DBInstanceId: id, SSLEnabled: false });
  await taskDone(off.TaskId!);
  const offConfig = await client.DescribeDBInstanceSSLConfig({ DBInstanceId: id });
  assert.deepEqual([offConfig.SSLEnabled, offConfig.ConnectAddress, offConfig.CAUrl], [false, host, '']);
  await assert.rejects(sslLogin(verifyFull(caPem)), /does not support SSL/);
  const refused = psql('require');
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /server does not support SSL/);
  assert.equal(await sslLogin(false), false);

  // On again: the same account CA still verifies it.
  const again = await client.ModifyDBInstanceSSLConfig({ DBInstanceId: id, SSLEnabled: true, ConnectAddress: host });
  await taskDone(again.TaskId!);
  assert.equal((await client.DescribeDBInstanceSSLConfig({ DBInstanceId: id })).CACert, caPem);
  assert.equal(await sslLogin(verifyFull(caPem)), true);
});
