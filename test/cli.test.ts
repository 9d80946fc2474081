// The `pgcloud` client verbs, run as the real binary against a real service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startService, type TestService } from './support/service.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PASSWORD = 'Cli#Pgcloud2026';
let svc: TestService;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: 'none' } });
});
after(async () => {
  await svc?.cleanup();
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/pgcloud.js ...args` with the service's endpoint and key pair in its environment. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'pgcloud.js'), ...args], {
      cwd: root,
      env: {
        ...process.env,
        PGCLOUD_ENDPOINT: svc.endpoint,
        PGCLOUD_SECRET_ID: svc.secretId,
        PGCLOUD_SECRET_KEY: svc.secretKey,
        PGCLOUD_ADMIN_PASSWORD: PASSWORD,
        PGCLOUD_DATA_DIR: undefined,
        PGCLOUD_REGION: undefined,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const ok = (r: Result) => {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
};

let id = '';
let url = '';

test('create shows progress through applying → initing → running and ends with the connection URL', async () => {
  const r = ok(await cli(['create', '--db-version', '16', '--name', 'cli-one', '--tag', 'env=test', '--zone', 'ap-guangzhou-3']));
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'Creating 1 instance: PostgreSQL 16, cdb.pg.z1.2g, 10 GB, ap-guangzhou-3');
  const progress = lines.slice(1, -1).map((l) => /^(postgres-[a-z0-9]{8})  (\S+)\s+\d+\.\ds$/.exec(l));
  assert.ok(progress.length >= 1 && progress.every(Boolean), r.stdout);
  id = progress[0]![1]!;
  const statuses = progress.map((m) => m![2]!);
  // Each status is seen once, in order; the last is running.
  const order = ['applying', 'initing', 'running'];
  assert.deepEqual(statuses, order.filter((s) => statuses.includes(s)), r.stdout);
  assert.equal(statuses.at(-1), 'running');
  const last = /^(postgres-[a-z0-9]{8}) is running: (postgres:\/\/dbadmin@127\.[\d.]+:\d+\/postgres)$/.exec(lines.at(-1)!);
  assert.ok(last, lines.at(-1));
  assert.equal(last[1], id);
  url = last[2]!;
  assert.equal(r.stderr, '');
});

test('list shows the instance in a table, and as JSON', async () => {
  const r = ok(await cli(['list']));
  const [header, ...rows] = r.stdout.trim().split('\n');
  assert.match(header!, /^ID\s+NAME\s+STATUS\s+VERSION\s+SPEC\s+STORAGE\s+ZONE\s+ADDRESS$/);
  const row = rows.find((l) => l.startsWith(id));
  assert.ok(row, r.stdout);
  assert.match(row, new RegExp(`^${id}\\s+cli-one\\s+running\\s+16\\.\\d+\\s+cdb\\.pg\\.z1\\.2g\\s+10 GB\\s+ap-guangzhou-3\\s+127\\.[\\d.]+:\\d+$`));
  const json = JSON.parse(ok(await cli(['list', '--output', 'json'])).stdout);
  assert.equal(json.TotalCount, 1);
  assert.equal(json.DBInstanceSet[0].DBInstanceId, id);
});

test('describe and wait', async () => {
  const text = ok(await cli(['describe', id])).stdout;
  assert.match(text, /^Status:\s+running$/m);
  assert.match(text, /^Tags:\s+env=test$/m);
  const json = JSON.parse(ok(await cli(['describe', id, '--output', 'json'])).stdout);
  assert.equal(json.DBInstanceName, 'cli-one');
  const w = ok(await cli(['wait', id]));
  assert.match(w.stdout, new RegExp(`^${id}  running\\s+\\d+\\.\\ds\\n$`));
});

test('connect prints a URL that logs in with pg (with the password), or one without it', async () => {
  const r = ok(await cli(['connect', id]));
  const withPassword = r.stdout.trim();
  assert.equal(withPassword, url.replace('dbadmin@', `dbadmin:${encodeURIComponent(PASSWORD)}@`));
  const client = new pg.Client({ connectionString: withPassword, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT current_user AS u, version() AS v');
    assert.equal(rows[0].u, 'dbadmin');
    assert.match(rows[0].v, /^PostgreSQL 16\./);
  } finally {
    await client.end();
  }
  const bare = ok(await cli(['connect', id], { PGCLOUD_ADMIN_PASSWORD: undefined }));
  assert.equal(bare.stdout.trim(), url);
  const explicit = ok(await cli(['connect', id, '--password', 'x/y@z', '--output', 'json'], { PGCLOUD_ADMIN_PASSWORD: undefined }));
  assert.equal(JSON.parse(explicit.stdout).Url, url.replace('dbadmin@', 'dbadmin:x%2Fy%40z@'));
});

test('top shows the live figures from the monitoring API: the sessions a client opens, as text and JSON', async () => {
  const N = 3;
  const withPassword = url.replace('dbadmin@', `dbadmin:${encodeURIComponent(PASSWORD)}@`);
  const sessions: pg.Client[] = [];
  try {
    for (let i = 0; i < N; i++) {
      const c = new pg.Client({ connectionString: withPassword, connectionTimeoutMillis: 10_000 });
      await c.connect();
      sessions.push(c);
    }
    // The sampler reads the server every 5 s: until a sample with the sessions open is in.
    let figures: any;
    const deadline = Date.now() + 60_000;
    do {
      figures = JSON.parse(ok(await cli(['top', id, '--once', '--output', 'json'])).stdout);
      if (figures.Connections?.value >= N) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
    assert.equal(figures.Connections.value, N);
    assert.equal(figures.IdleConns.value, N);
    assert.ok(figures.Storage.value > 0 && figures.Memory.value > 0);
    const text = ok(await cli(['top', id, '--once'])).stdout;
    assert.match(text, new RegExp(`^${id}  sampled \\d{4}-\\d{2}-\\d{2} `));
    assert.match(text, /^connections\s+\d+\s+Connections$/m);
    assert.match(text, /^storage\s+[\d.]+ GB\s+Storage$/m);
  } finally {
    await Promise.all(sessions.map((s) => s.end()));
  }
  const missing = await cli(['top', 'postgres-00000000', '--once']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^pgcloud: AuthFailure\.UnauthorizedOperation: Unauthorized operation or the instance has been destroyed/);
});

test('call runs any action with --json; failures exit non-zero with the code and message on stderr', async () => {
  const zones = JSON.parse(ok(await cli(['call', 'DescribeZones', '--json', '{}'])).stdout);
  assert.ok(zones.ZoneSet.some((z: any) => z.Zone === 'ap-guangzhou-3'));
  const one = JSON.parse(ok(await cli(['call', 'DescribeDBInstanceAttribute', '--json', JSON.stringify({ DBInstanceId: id })])).stdout);
  assert.equal(one.DBInstance.DBInstanceId, id);

  const bad = await cli(['call', 'NoSuchAction']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^pgcloud: InvalidAction: .+ \(RequestId [0-9a-f-]{36}\)\n$/);
  const badSpec = await cli(['create', '--spec', 'no.such.spec', '--zone', 'ap-guangzhou-3', '--db-version', '16']);
  assert.equal(badSpec.code, 1);
  assert.match(badSpec.stderr, /^pgcloud: [A-Z][A-Za-z]+(\.[A-Za-z]+)*: .*no\.such\.spec.* \(RequestId [0-9a-f-]{36}\)\n$/);
  const badKey = await cli(['list'], { PGCLOUD_SECRET_ID: 'AKID' + 'x'.repeat(32) });
  assert.equal(badKey.code, 1);
  assert.match(badKey.stderr, /^pgcloud: AuthFailure\.SecretIdNotFound: /);
  const noPassword = await cli(['create', '--zone', 'ap-guangzhou-3'], { PGCLOUD_ADMIN_PASSWORD: undefined });
  assert.equal(noPassword.code, 1);
  assert.match(noPassword.stderr, /PGCLOUD_ADMIN_PASSWORD/);
});

test('isolate, then destroy (which asks first unless --yes)', async () => {
  const iso = ok(await cli(['isolate', id]));
  assert.match(iso.stdout.trim().split('\n').at(-1)!, new RegExp(`^${id}  isolated\\s+\\d+\\.\\ds$`));
  const refused = await cli(['destroy', id]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /pass --yes/);
  const r = ok(await cli(['destroy', id, '--yes']));
  assert.equal(r.stdout.trim().split('\n').at(-1), `${id} destroyed`);
  const gone = await cli(['describe', id]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /^pgcloud: ResourceNotFound/);
  const list = ok(await cli(['list']));
  assert.equal(list.stdout, 'no instances in ap-guangzhou\n');
});
