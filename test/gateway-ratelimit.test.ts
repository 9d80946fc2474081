// Rate limits per (account, region, action) against a real `pgcloud serve`: CreateInstances is
// documented at 100 requests per second. The requests carry an empty body, so every one that passes
// the limit is answered MissingParameter by the gateway and none creates anything. Bursts at or under
// a limit must all pass, whatever the machine's speed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startService, type TestService } from './support/service.ts';
import { codeOf, rawRequest, tc3Headers, type Credentials } from './support/signer.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

let svc: TestService;
let agent: http.Agent;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: 'none' } });
  agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
});

after(async () => {
  agent?.destroy();
  await svc?.cleanup();
});

const call = (creds: Credentials, action: string, region = 'ap-guangzhou') => {
  const host = `127.0.0.1:${svc.port}`;
  const headers = tc3Headers(creds, { action, region, host, body: '{}' });
  return rawRequest(svc.port, { method: 'POST', headers, body: '{}', agent }).then(codeOf);
};
const createInstances = (creds: Credentials) => call(creds, 'CreateInstances');

const tally = (codes: Array<string | undefined>) => {
  const counts: Record<string, number> = {};
  for (const c of codes) counts[c ?? 'Success'] = (counts[c ?? 'Success'] ?? 0) + 1;
  return counts;
};

test('150 CreateInstances in one second: about 100 pass, the rest RequestLimitExceeded; another account is unaffected', async () => {
  const { stdout } = await run(process.execPath, [path.join(root, 'bin/pgcloud.js'), 'accounts', 'create', 'rate-test', '--output', 'json', '--data-dir', svc.dataDir], { cwd: root });
  const other: Credentials = JSON.parse(stdout);
  const first: Credentials = { secretId: svc.secretId, secretKey: svc.secretKey };
  // Warm the connections and the key cache so the burst fits well inside one second.
  assert.equal(await createInstances(other), 'MissingParameter');
  await new Promise((r) => setTimeout(r, 1100));

  const started = Date.now();
  const [mine, theirs] = await Promise.all([
    Promise.all(Array.from({ length: 150 }, () => createInstances(first))),
    Promise.all(Array.from({ length: 50 }, () => createInstances(other))),
  ]);
  const elapsed = Date.now() - started;
  const counts = tally(mine);
  const passed = counts.MissingParameter ?? 0;
  const seen = `${passed} passed in ${elapsed} ms: ${JSON.stringify(counts)}`;
  assert.equal(passed + (counts.RequestLimitExceeded ?? 0), 150, seen);
  // No second of the burst let more than 100 through: exactly 100 when it fitted in one second, and at
  // most 100 per started second when a loaded machine spread it over more (the burst lasted at most
  // `elapsed` on the server too).
  assert.ok(passed >= 100, seen);
  assert.ok(passed <= 100 * Math.ceil(elapsed / 1000), seen);
  if (elapsed < 1000) assert.equal(passed, 100, seen);
  assert.deepEqual(tally(theirs), { MissingParameter: 50 }, 'the other account has its own budget');

  // The window slides on: a second later the account may call again.
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(await createInstances(first), 'MissingParameter');
});

test('the limit is per action: DescribeRegions is not slowed by a CreateInstances burst', async () => {
  const first: Credentials = { secretId: svc.secretId, secretKey: svc.secretKey };
  await Promise.all(Array.from({ length: 120 }, () => createInstances(first)));
  const host = `127.0.0.1:${svc.port}`;
  const r = await rawRequest(svc.port, { method: 'POST', headers: tc3Headers(first, { action: 'DescribeRegions', host, body: '{}' }), body: '{}', agent });
  assert.equal(codeOf(r), undefined);
  assert.equal(r.json.Response.TotalCount, 18);
});

test('a burst of 300 DescribeDBInstances (documented 1000/s) is never throttled', async () => {
  const first: Credentials = { secretId: svc.secretId, secretKey: svc.secretKey };
  const codes = await Promise.all(Array.from({ length: 300 }, () => call(first, 'DescribeDBInstances')));
  assert.deepEqual([...new Set(codes)], [undefined]);
});

test('the limit is per region: 100 CreateInstances into each of two regions at once all pass it', async () => {
  const first: Credentials = { secretId: svc.secretId, secretKey: svc.secretKey };
  await new Promise((r) => setTimeout(r, 1100)); // the earlier bursts' window has passed
  const codes = await Promise.all(['ap-guangzhou', 'ap-shanghai'].flatMap((region) => Array.from({ length: 100 }, () => call(first, 'CreateInstances', region))));
  assert.deepEqual([...new Set(codes)], ['MissingParameter']);
});
