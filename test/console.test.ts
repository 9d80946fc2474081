// The web console in a real browser (Debian's Chromium driven by playwright-core): sign in, create an
// instance through the form, watch it run, log in with its URL, isolate and destroy it. Screenshots of
// each page go to test-artifacts/. Without Chromium this test FAILS (it is never skipped): .ci/run
// installs it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startService, type TestService } from './support/service.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.PGCLOUD_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(root, 'test-artifacts');
const PASSWORD = 'Console#Pgcloud26';

let svc: TestService;
let context: BrowserContext | undefined;
let profile: string | undefined;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: 'none' } });
});
after(async () => {
  await context?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  await svc?.cleanup();
});

async function shot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `console-${name}.png`), fullPage: true });
}

test('the console serves its files with the right content types; other paths still answer UnsupportedProtocol', async () => {
  const redirect = await fetch(`${svc.url}/console`, { redirect: 'manual' });
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get('location'), '/console/');
  for (const [file, type] of [['', 'text/html; charset=utf-8'], ['app.js', 'text/javascript; charset=utf-8'], ['tc3.js', 'text/javascript; charset=utf-8'], ['style.css', 'text/css; charset=utf-8']]) {
    const res = await fetch(`${svc.url}/console/${file}`);
    assert.equal(res.status, 200, file);
    assert.equal(res.headers.get('content-type'), type, file);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  }
  // Only the console's own files: nothing else under it (fetch normalizes "..", so an encoded slash).
  assert.equal((await fetch(`${svc.url}/console/..%2fpackage.json`)).status, 404);
  assert.equal((await fetch(`${svc.url}/console/nothing.js`)).status, 404);
  const other = await (await fetch(`${svc.url}/elsewhere`)).json();
  assert.equal(other.Response.Error.Code, 'UnsupportedProtocol');
});

test('in Chromium: sign in, create through the form, watch it run, log in with its URL, isolate and destroy it', { timeout: 180_000 }, async () => {
  if (!fs.existsSync(CHROMIUM)) {
    assert.fail(`Chromium is not installed at ${CHROMIUM}, so the console was NOT tested in a browser. Install it (apt-get install -y chromium; .ci/run does) or set PGCLOUD_CHROMIUM.`);
  }
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  // Sign in: a wrong key shows the API's message; the right one opens the instance list.
  await page.goto(`${svc.url}/console`);
  await page.fill('#secretId', 'AKID' + 'x'.repeat(32));
  await page.fill('#secretKey', svc.secretKey);
  await page.click('#signin button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#signin-error')?.textContent?.startsWith('AuthFailure.SecretIdNotFound: '));
  await page.fill('#secretId', svc.secretId);
  await shot(page, '1-signin');
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#instances');
  await page.waitForSelector('#instances td.muted');
  assert.equal(await page.evaluate(() => JSON.parse(sessionStorage.getItem('pgcloud.credentials')!).secretId), svc.secretId);
  assert.equal(await page.evaluate(() => localStorage.length), 0);

  // The create form: choices from DescribeZones / DescribeDBVersions / DescribeClasses.
  await page.click('#create-link');
  await page.waitForSelector('#spec:not([disabled]) option[value="cdb.pg.z1.2g"]', { state: 'attached' });
  const zones = await page.$$eval('#zone option', (os) => os.map((o) => (o as HTMLOptionElement).value));
  assert.ok(zones.includes('ap-guangzhou-3'), zones.join());
  const versions = await page.$$eval('#version option', (os) => os.map((o) => (o as HTMLOptionElement).value));
  assert.ok(versions.includes('16'), versions.join());
  await page.selectOption('#zone', 'ap-guangzhou-3');
  await page.selectOption('#version', '16');
  await page.waitForSelector('#spec:not([disabled]) option[value="cdb.pg.z1.2g"]', { state: 'attached' });
  await page.selectOption('#spec', 'cdb.pg.z1.2g');
  await page.fill('#name', 'from-console');
  await page.fill('#tags', 'team=web');
  // An API error is shown as the API's code and message.
  await page.fill('#admin-password', 'short');
  await page.click('#create-submit');
  await page.waitForFunction(() => /^[A-Z][\w.]+: \S/.test(document.querySelector('#create-error')?.textContent ?? ''));
  const createError = await page.textContent('#create-error');
  assert.match(createError!, /RequestId [0-9a-f-]{36}/);
  await shot(page, '2-create-error');
  await page.fill('#admin-password', PASSWORD);
  await page.click('#create-submit');
  await page.waitForURL(/#\/instances\/postgres-[a-z0-9]{8}$/);
  const id = page.url().split('/').at(-1)!;

  // The list shows it with its live status until it runs.
  await page.goto(`${svc.url}/console/#/instances`);
  await page.waitForSelector(`#instances tr[data-id="${id}"] [data-status="running"]`, { timeout: 90_000 });
  await shot(page, '3-list');

  // Its page: connection URL, nodes, tags and network.
  await page.click(`#instances a[href="#/instances/${id}"]`);
  await page.waitForSelector('#connection-url');
  await shot(page, '4-instance');
  const url = (await page.textContent('#connection-url'))!;
  assert.match(url, /^postgres:\/\/dbadmin@127\.[\d.]+:\d+\/postgres$/);
  assert.match((await page.textContent('#instance'))!, /team=web/);
  assert.deepEqual(await page.$$eval('#nodes tbody tr td:first-child', (tds) => tds.map((t) => t.textContent)), ['Primary']);
  assert.ok((await page.$$eval('#network tbody tr td:first-child', (tds) => tds.map((t) => t.textContent))).includes('private'));
  const db = new pg.Client({ connectionString: url.replace('dbadmin@', `dbadmin:${encodeURIComponent(PASSWORD)}@`), connectionTimeoutMillis: 10_000 });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT current_user AS u, version() AS v');
    assert.equal(rows[0].u, 'dbadmin');
    assert.match(rows[0].v, /^PostgreSQL 16\./);
  } finally {
    await db.end();
  }

  // Monitoring: the Connections chart (Chart.js, from GetMonitorData) rises to the sessions the test holds open.
  assert.equal(await page.evaluate(() => typeof (window as any).Chart), 'function');
  assert.deepEqual(await page.$$eval('#monitor-period option', (os) => os.map((o) => o.textContent)), ['5 s', '1 min', '5 min']);
  const N = 4;
  const held: pg.Client[] = [];
  try {
    for (let i = 0; i < N; i++) {
      const c = new pg.Client({ connectionString: url.replace('dbadmin@', `dbadmin:${encodeURIComponent(PASSWORD)}@`), connectionTimeoutMillis: 10_000 });
      await c.connect();
      held.push(c);
    }
    await page.waitForFunction((n) => document.querySelector('figure[data-metric="Connections"]')?.getAttribute('data-latest') === String(n), N, { timeout: 60_000 });
    assert.ok(await page.evaluate(() => (window as any).Chart.getChart('chart-Connections').data.datasets[0].data.length > 0));
    await shot(page, '5-monitoring');
  } finally {
    await Promise.all(held.map((c) => c.end()));
  }
  await page.selectOption('#monitor-range', '1d');
  assert.deepEqual(await page.$$eval('#monitor-period option', (os) => os.map((o) => o.textContent)), ['1 min', '5 min', '1 h']);
  assert.equal(await page.textContent('#monitor-error'), '');

  // Isolate (confirm) then destroy (type the ID).
  assert.equal(await page.isDisabled('#destroy'), true);
  page.once('dialog', (d) => void d.accept());
  await page.click('#isolate');
  await page.waitForSelector('#instance .toolbar [data-status="isolated"]', { timeout: 60_000 });
  await page.waitForSelector('#destroy:not([disabled])');
  page.once('dialog', (d) => void d.accept(id));
  await page.click('#destroy');
  await page.waitForSelector('#gone', { timeout: 60_000 });
  await shot(page, '5-destroyed');
  assert.deepEqual(pageErrors, []);
});
