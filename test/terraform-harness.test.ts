// The Terraform harness itself (test/support/terraform.ts): a machine without the provider gets its
// Terraform tests reported as skipped with the reason (and `npm test` passes); binaries are unpacked
// once per archive even when several test files do it at the same moment; the provider's debug log
// is read back as the API calls it made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { providerCalls } from './support/terraform.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const run = (cmd: string, args: string[], env: Record<string, string>) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    // A test run of its own (node --test refuses to run files inside a test's process otherwise).
    const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
    const child = spawn(cmd, args, { cwd: root, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });

test('without the provider, a Terraform test file passes with its tests skipped, saying why', async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-tf-cache-test-'));
  try {
    const r = await run(process.execPath, ['--import', 'tsx', '--test', 'test/terraform-datasources.test.ts'], {
      PGCLOUD_TF_PROVIDER_XZ: '/nonexistent/terraform-provider-tencentcloud.xz',
      PGCLOUD_TF_CACHE_DIR: cache,
    });
    assert.equal(r.code, 0, r.out);
    // The reason where everyone sees it, once, and in every skipped test's line.
    const notice = r.out.match(/The Terraform tests did NOT run: [^\n]*/g) ?? [];
    assert.equal(notice.length, 1, r.out);
    assert.match(notice[0]!, /provider archive is missing: \/nonexistent\/terraform-provider-tencentcloud\.xz/);
    assert.match(r.out, /# SKIP Terraform tests did not run: .*provider archive is missing/);
    assert.match(r.out, /# pass 0/);
    assert.match(r.out, /# fail 0/);
    assert.doesNotMatch(r.out, /# skipped 0/);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('two processes unpacking the same archive at once end with one whole binary in its sha256 directory', { skip: spawnSync('xz', ['--version']).status !== 0 ? 'xz is not installed' : false }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-tf-unpack-test-'));
  try {
    const content = Buffer.alloc(8 << 20, 'pgcloud terraform harness\n');
    fs.writeFileSync(path.join(dir, 'tool'), content);
    assert.equal(spawnSync('xz', ['-0', path.join(dir, 'tool')]).status, 0);
    const archive = path.join(dir, 'tool.xz');
    const cache = path.join(dir, 'cache');
    const script = `import { unpackOnce } from './test/support/terraform.ts'; console.log(unpackOnce(${JSON.stringify(archive)}, 'tool', ${JSON.stringify(cache)}));`;
    const both = await Promise.all([1, 2].map(() => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {})));
    for (const r of both) assert.equal(r.code, 0, r.out);
    const paths = both.map((r) => r.out.trim().split('\n').pop()!);
    assert.equal(paths[0], paths[1]);
    const sha = spawnSync('sha256sum', [archive], { encoding: 'utf8' }).stdout.split(' ')[0]!;
    assert.equal(paths[0], path.join(cache, sha, 'tool'));
    assert.ok(fs.readFileSync(paths[0]!).equals(content));
    assert.equal(fs.statSync(paths[0]!).mode & 0o111, 0o111);
    assert.deepEqual(fs.readdirSync(path.join(cache, sha)), ['tool']); // no partial file left behind
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the provider debug log reads back as the calls made', () => {
  const log = [
    '2026-12-02T02:38:28.258Z [INFO]  provider.terraform-provider-tencentcloud: 2026/12/02 02:38:28 ######[DEBUG]tencentcloud-sdk-go: [DescribeSubnets], request: {"Filters":[{"Name":"zone","Values":["ap-guangzhou-3"]}]}, (host vpc.pgcloud.test:35863, region:[ap-guangzhou]); response:{"Response":{"TotalCount":0,"SubnetSet":[],"RequestId":"r1"}},cost 23.1ms: timestamp=2026-12-02T02:38:28.258Z',
    'unrelated line',
    '2026-12-02T02:38:28.268Z [INFO]  provider.terraform-provider-tencentcloud: 2026/12/02 02:38:28 ######[DEBUG]tencentcloud-sdk-go: [CreateInstances], request: {"Name":"a, b"}, (host postgres.pgcloud.test:35863, region:[ap-guangzhou]); response:{"Response":{"Error":{"Code":"InvalidAction","Message":"no"},"RequestId":"r2"}},cost 9.6ms: timestamp=2026-12-02T02:38:28.268Z',
  ].join('\n');
  const calls = providerCalls(log);
  assert.deepEqual(calls.map((c) => [c.action, c.host]), [['DescribeSubnets', 'vpc.pgcloud.test:35863'], ['CreateInstances', 'postgres.pgcloud.test:35863']]);
  assert.equal(calls[0]!.request.Filters[0].Values[0], 'ap-guangzhou-3');
  assert.equal(calls[1]!.request.Name, 'a, b');
  assert.equal(calls[1]!.response.Response.Error.Code, 'InvalidAction');
});
