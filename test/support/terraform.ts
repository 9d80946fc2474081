// The real Terraform and the real Tencent Cloud provider driving a test service.
//
// The provider has no endpoint setting: it calls `<service>.<domain>` (postgres., vpc., tag., …) over
// TENCENTCLOUD_PROTOCOL. So each terraform process runs in a mount namespace of its own where
// /etc/hosts is a private copy that says those names are 127.0.0.1 (`unshare -m` + a bind mount;
// needs root), with TENCENTCLOUD_DOMAIN=pgcloud.test:<port>. The machine's /etc/hosts is untouched.
//
// The provider binary comes from ../shared/tools/terraform-provider-tencentcloud/ (beside the repo in
// CI), unpacked once into a cache directory keyed by the archive's sha256 and reused by every test
// file and run; Terraform finds it through a CLI config with `dev_overrides` (no `terraform init`).
//
// A test file:
//
//   const tf = terraformSuite('what this file shows');   // one pgcloud service for the file
//   tf.test('an instance', async () => {
//     const ws = await tf.workspace('basic');
//     const state = await ws.applyClean(`resource "tencentcloud_postgresql_instance" "pg" { … }`);
//     const pg = resourceValues(state, 'tencentcloud_postgresql_instance.pg');
//     …
//     await ws.destroyClean();
//   });
//
// Without root, `unshare`, `xz`, Terraform or the provider archive, every test of the file is
// reported skipped with the reason, and the reason is printed once per test run.
import { test as nodeTest, before, after, type TestContext } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KNOWN_SERVICES } from '../../src/server/app.ts';
import { startService, type StartOptions, type TestService } from './service.ts';
import { postgresClient, type PostgresClient } from './sdk.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = path.resolve(root, '..', 'shared', 'tools');

/** The provider archive: PGCLOUD_TF_PROVIDER_XZ, else ../shared/tools/terraform-provider-tencentcloud/. */
export const PROVIDER_ARCHIVE =
  process.env.PGCLOUD_TF_PROVIDER_XZ ?? path.join(shared, 'terraform-provider-tencentcloud', 'terraform-provider-tencentcloud.xz');
/** Terraform's own archive, used only where no `terraform` is on PATH. */
const TERRAFORM_ARCHIVE = path.join(shared, 'terraform', 'terraform.xz');
/** Where unpacked binaries are kept between runs (PGCLOUD_TF_CACHE_DIR overrides). */
const CACHE_ROOT = process.env.PGCLOUD_TF_CACHE_DIR ?? path.join(os.tmpdir(), 'pgcloud-terraform-cache');
/** The root domain the provider is given; `<service>.pgcloud.test` resolves to 127.0.0.1 for terraform only. */
export const DOMAIN = 'pgcloud.test';
export const REGION = 'ap-guangzhou';
/** Per terraform command: the provider retries failed calls for minutes, so a stuck step must end. */
const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;

// ---- availability ---------------------------------------------------------------------------

const onPath = (name: string): string | undefined => {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir || '.', name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
};

interface Tools {
  terraform: string; // a terraform binary, or the archive to unpack it from (ends in .xz)
  providerArchive: string;
  unshare: string;
}

let checked: { tools?: Tools; reason?: string } | undefined;

/** Why the Terraform tests cannot run here, or undefined when they can. */
export function terraformUnavailable(): string | undefined {
  checked ??= check();
  return checked.reason;
}

function check(): { tools?: Tools; reason?: string } {
  if (process.platform !== 'linux') return { reason: `they need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { reason: 'they need root (each terraform process gets a private /etc/hosts through `unshare -m` and a bind mount)' };
  const unshare = onPath('unshare');
  if (!unshare) return { reason: '`unshare` (util-linux) is not installed' };
  if (!onPath('xz')) return { reason: '`xz` is not installed (the provider is shipped xz-compressed)' };
  if (!fs.existsSync(PROVIDER_ARCHIVE)) return { reason: `the Tencent Cloud provider archive is missing: ${PROVIDER_ARCHIVE}` };
  const terraform = onPath('terraform') ?? (fs.existsSync(TERRAFORM_ARCHIVE) ? TERRAFORM_ARCHIVE : undefined);
  if (!terraform) return { reason: `Terraform is not on PATH and ${TERRAFORM_ARCHIVE} is missing` };
  // The private hosts file must really be what a process in the namespace sees.
  const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-tf-probe-'));
  try {
    const hosts = path.join(probeDir, 'hosts');
    fs.writeFileSync(hosts, `127.0.0.1 probe.${DOMAIN}\n`);
    const r = spawnSync(unshare, ['-m', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec cat /etc/hosts', hosts], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0 || !r.stdout.includes(`probe.${DOMAIN}`))
      return { reason: `a private /etc/hosts through \`unshare -m\` does not work here: ${(r.stderr || r.error?.message || '').trim()}` };
  } finally {
    fs.rmSync(probeDir, { recursive: true, force: true });
  }
  return { tools: { terraform, providerArchive: PROVIDER_ARCHIVE, unshare } };
}

/**
 * Prints the reason once per test run, whichever file gets there first: a marker named by the test
 * runner's pid (the files' common parent) says it was said; markers of finished runs are removed.
 */
function announceOnce(reason: string): void {
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  for (const f of fs.readdirSync(CACHE_ROOT)) {
    const pid = /^skipped-(\d+)$/.exec(f)?.[1];
    if (pid && Number(pid) !== process.ppid && !isRunning(Number(pid))) fs.rmSync(path.join(CACHE_ROOT, f), { force: true });
  }
  try {
    fs.writeFileSync(path.join(CACHE_ROOT, `skipped-${process.ppid}`), reason, { flag: 'wx' });
  } catch {
    return; // another file of this run said it already
  }
  process.stderr.write(`\n*** The Terraform tests did NOT run: ${reason}. They are reported as skipped. ***\n\n`);
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

// ---- the binaries, unpacked once ---------------------------------------------------------------

const sha256OfFile = (file: string): string => {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
};

/**
 * Unpacks an .xz archive to CACHE_ROOT/<sha256 of the archive>/<name> unless it is there already;
 * returns the path. Safe when several test files do it at once: each writes a file of its own and
 * renames it into place (atomic), so a reader only ever sees a whole binary.
 */
export function unpackOnce(archive: string, name: string, cacheRoot = CACHE_ROOT): string {
  const dir = path.join(cacheRoot, sha256OfFile(archive));
  const target = path.join(dir, name);
  if (fs.existsSync(target)) return target;
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const partial = path.join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    const out = fs.openSync(partial, 'w', 0o755);
    const r = spawnSync('xz', ['-dc', archive], { stdio: ['ignore', out, 'pipe'], timeout: 5 * 60_000 });
    fs.closeSync(out);
    if (r.status !== 0) throw new Error(`xz -dc ${archive} failed: ${r.stderr?.toString() || r.error?.message}`);
    fs.chmodSync(partial, 0o755);
    fs.renameSync(partial, target);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return target;
}

interface Binaries {
  terraform: string;
  providerDir: string;
  cliConfig: string;
}
let binaries: Binaries | undefined;

function ensureBinaries(): Binaries {
  if (binaries) return binaries;
  const tools = checked?.tools;
  if (!tools) throw new Error(`Terraform is unavailable: ${terraformUnavailable()}`);
  const provider = unpackOnce(tools.providerArchive, 'terraform-provider-tencentcloud');
  const terraform = tools.terraform.endsWith('.xz') ? unpackOnce(tools.terraform, 'terraform') : tools.terraform;
  const providerDir = path.dirname(provider);
  // One CLI config per provider directory, written like the binary (whole, then renamed).
  const cliConfig = path.join(providerDir, 'terraform.tfrc');
  if (!fs.existsSync(cliConfig)) {
    const partial = `${cliConfig}.${process.pid}`;
    fs.writeFileSync(
      partial,
      `provider_installation {\n  dev_overrides {\n    "tencentcloudstack/tencentcloud" = ${JSON.stringify(providerDir)}\n  }\n  direct {}\n}\n`,
    );
    fs.renameSync(partial, cliConfig);
  }
  binaries = { terraform, providerDir, cliConfig };
  return binaries;
}

// ---- one working directory ---------------------------------------------------------------------

export interface StepResult {
  /** Exit code (null when the step was killed at its timeout). */
  code: number | null;
  output: string;
  /** The provider's debug log of this step (every request and response body). */
  log: string;
  timedOut: boolean;
}

/** One API call the provider made, as its debug log shows it. */
export interface ProviderCall {
  action: string;
  host: string;
  request: any;
  response: any;
}

/** The API calls in a provider debug log, in order. */
export function providerCalls(log: string): ProviderCall[] {
  const calls: ProviderCall[] = [];
  const re = /tencentcloud-sdk-go: \[([A-Za-z0-9]+)\], request: (.*?), \(host ([^,]*), region:[^)]*\); response:(.*?),cost /g;
  for (const m of log.matchAll(re)) {
    const parse = (s: string) => {
      try {
        return JSON.parse(s);
      } catch {
        return s;
      }
    };
    calls.push({ action: m[1]!, request: parse(m[2]!), host: m[3]!, response: parse(m[4]!) });
  }
  return calls;
}

/** The lines of a debug log that explain a failure: failed calls and the provider's own error lines. */
function explain(log: string): string {
  const lines = log.split('\n');
  const errors = lines.filter((l) => /"Error":\{|\[CRITICAL\]|\[CRITAL\]|\[ERROR\]/.test(l));
  const calls = lines.filter((l) => l.includes('tencentcloud-sdk-go:'));
  const pick = [...new Set([...errors.slice(-20), ...calls.slice(-8)])];
  const clip = (l: string) => (l.length > 1500 ? l.slice(0, 1500) + ' …' : l);
  return pick.map(clip).join('\n') || '(the provider logged nothing)';
}

export class TerraformError extends Error {
  constructor(
    readonly step: string,
    readonly result: StepResult,
    readonly logFile: string,
  ) {
    super(
      `terraform ${step} ${result.timedOut ? 'timed out' : `exited with ${result.code}`}\n` +
        `--- terraform output ---\n${result.output.trim().slice(-6000)}\n` +
        `--- provider debug log (failed calls, last calls; whole log: ${logFile}) ---\n${explain(result.log)}`,
    );
  }
}

export interface TerraformState {
  values?: { root_module?: StateModule };
}
interface StateModule {
  resources?: Array<{ address: string; mode: string; type: string; name: string; values: Record<string, any> }>;
  child_modules?: StateModule[];
}

/** Every resource and data source of a `terraform show -json` state, by address. */
export function stateResources(state: TerraformState): Map<string, Record<string, any>> {
  const out = new Map<string, Record<string, any>>();
  const walk = (m?: StateModule) => {
    for (const r of m?.resources ?? []) out.set(r.address, r.values);
    for (const c of m?.child_modules ?? []) walk(c);
  };
  walk(state.values?.root_module);
  return out;
}

/** The attribute values of one resource (`tencentcloud_postgresql_instance.pg`) or data source (`data.…`). */
export function resourceValues(state: TerraformState, address: string): Record<string, any> {
  const v = stateResources(state).get(address);
  if (!v) throw new Error(`${address} is not in the state; it has: ${[...stateResources(state).keys()].join(', ') || 'nothing'}`);
  return v;
}

export interface StepOptions {
  timeoutMs?: number;
  /** Extra arguments (e.g. `-target=…`, `-var=…`). */
  args?: string[];
}

export class Workspace {
  private step = 0;
  /** The provider debug log of the last step. */
  lastLog = '';

  constructor(
    readonly dir: string,
    private readonly svc: TestService,
    private readonly region: string,
  ) {}

  /** Writes the configuration (main.tf); the provider requirement is added beside it. */
  write(config: string): void {
    fs.writeFileSync(path.join(this.dir, 'main.tf'), config);
  }

  /** Runs one terraform command in this directory, with the private hosts file and pgcloud's env. */
  async run(args: string[], opts: StepOptions = {}): Promise<StepResult> {
    const bin = ensureBinaries();
    const logFile = path.join(this.dir, `step-${++this.step}-${args[0]}.log`);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(TF_|TENCENTCLOUD_)/.test(k)) env[k] = v;
    Object.assign(env, {
      TF_CLI_CONFIG_FILE: bin.cliConfig,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      TF_LOG_PROVIDER: 'DEBUG',
      TF_LOG_PATH: logFile,
      TENCENTCLOUD_SECRET_ID: this.svc.secretId,
      TENCENTCLOUD_SECRET_KEY: this.svc.secretKey,
      TENCENTCLOUD_REGION: this.region,
      TENCENTCLOUD_PROTOCOL: 'HTTP',
      TENCENTCLOUD_DOMAIN: `${DOMAIN}:${this.svc.port}`,
      // The provider's HTTP client honours proxy variables: the service is local.
      NO_PROXY: `.${DOMAIN},127.0.0.1,localhost${env.NO_PROXY ? ',' + env.NO_PROXY : ''}`,
      no_proxy: `.${DOMAIN},127.0.0.1,localhost${env.no_proxy ? ',' + env.no_proxy : ''}`,
    });
    const tools = checked!.tools!;
    const child = spawn(tools.unshare, ['-m', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', path.join(this.dir, 'hosts'), bin.terraform, ...args], {
      cwd: this.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: a timeout kills terraform and the provider together
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, opts.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(timer);
    let log = '';
    try {
      log = fs.readFileSync(logFile, 'utf8');
    } catch {
      /* nothing logged */
    }
    this.lastLog = log;
    return { code: timedOut ? null : code, output, log, timedOut };
  }

  private async must(step: string, args: string[], ok: number[], opts: StepOptions): Promise<StepResult> {
    const r = await this.run(args, opts);
    if (r.code === null || !ok.includes(r.code)) throw new TerraformError(step, r, path.join(this.dir, `step-${this.step}-${args[0]}.log`));
    return r;
  }

  /** `terraform apply` of the configuration; throws (with the provider's log) unless it succeeds. */
  async apply(config?: string, opts: StepOptions = {}): Promise<TerraformState> {
    if (config !== undefined) this.write(config);
    const r = await this.must('apply', ['apply', '-auto-approve', '-input=false', '-no-color', ...(opts.args ?? [])], [0], opts);
    this.applyCalls = providerCalls(r.log);
    return this.state();
  }

  /** `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes (with the plan's text). */
  async plan(opts: StepOptions = {}): Promise<{ changes: boolean; output: string }> {
    const r = await this.must('plan', ['plan', '-detailed-exitcode', '-input=false', '-no-color', ...(opts.args ?? [])], [0, 2], opts);
    return { changes: r.code === 2, output: r.output };
  }

  /** Throws with the planned changes unless `plan -detailed-exitcode` reports none (exit code 0). */
  async assertNoChanges(opts: StepOptions = {}): Promise<void> {
    const p = await this.plan(opts);
    if (p.changes) throw new Error(`terraform plan right after apply wants changes:\n${p.output.trim().slice(-6000)}`);
  }

  /** apply, then a plan that must report no changes; returns the state. */
  async applyClean(config?: string, opts: StepOptions = {}): Promise<TerraformState> {
    await this.apply(config, opts);
    await this.assertNoChanges(opts);
    return this.state();
  }

  /** The API calls the provider made in the last apply (not its plan's or show's). */
  applyCalls: ProviderCall[] = [];

  /** The API calls the provider made in the last step (show included). */
  lastCalls(): ProviderCall[] {
    return providerCalls(this.lastLog);
  }

  /** `terraform destroy`; throws unless it succeeds. */
  async destroy(opts: StepOptions = {}): Promise<void> {
    await this.must('destroy', ['destroy', '-auto-approve', '-input=false', '-no-color', ...(opts.args ?? [])], [0], opts);
  }

  /** destroy, then checks that the state holds no resource any more. */
  async destroyClean(opts: StepOptions = {}): Promise<void> {
    await this.destroy(opts);
    const left = [...stateResources(await this.state()).keys()].filter((a) => !a.startsWith('data.'));
    if (left.length) throw new Error(`terraform destroy left resources in the state: ${left.join(', ')}`);
  }

  /** The current state, as `terraform show -json` prints it. */
  async state(): Promise<TerraformState> {
    const r = await this.must('show', ['show', '-json', '-no-color'], [0], { timeoutMs: 120_000 });
    const text = r.output.slice(r.output.indexOf('{'));
    return text ? (JSON.parse(text) as TerraformState) : {};
  }

  /** Whether the state still holds managed resources (for cleanup). */
  hasResources(): boolean {
    try {
      const s = JSON.parse(fs.readFileSync(path.join(this.dir, 'terraform.tfstate'), 'utf8'));
      return (s.resources ?? []).some((r: any) => r.mode === 'managed' && (r.instances ?? []).length > 0);
    } catch {
      return false;
    }
  }
}

/** A new working directory with the provider requirement and the private hosts file. */
export function newWorkspace(svc: TestService, name: string, region = REGION): Workspace {
  ensureBinaries();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pgcloud-tf-${name.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
  fs.writeFileSync(
    path.join(dir, 'versions.tf'),
    'terraform {\n  required_providers {\n    tencentcloud = {\n      source = "tencentcloudstack/tencentcloud"\n    }\n  }\n}\n',
  );
  const names = KNOWN_SERVICES.map((s) => `${s}.${DOMAIN}`).join(' ');
  fs.writeFileSync(path.join(dir, 'hosts'), `${fs.readFileSync('/etc/hosts', 'utf8').trimEnd()}\n127.0.0.1 ${names}\n`);
  return new Workspace(dir, svc, region);
}

// ---- a test file's suite --------------------------------------------------------------------

export interface TerraformSuite {
  /** Registers a test that runs only where Terraform can (skipped with the reason elsewhere). */
  test(name: string, fn: (t: TestContext) => Promise<void>): void;
  test(name: string, options: { timeout?: number }, fn: (t: TestContext) => Promise<void>): void;
  /** The file's pgcloud service (set once the first test starts). */
  readonly svc: TestService;
  /** The official SDK's postgres client on that service. */
  readonly pgc: PostgresClient;
  /** A working directory on the file's service; destroyed and removed after the file's tests. */
  workspace(name: string, region?: string): Promise<Workspace>;
}

/**
 * The Terraform tests of one file: one pgcloud service for all of them (started before the first,
 * stopped after the last, with every workspace still holding resources destroyed first).
 */
export function terraformSuite(title: string, opts: StartOptions = {}): TerraformSuite {
  const reason = terraformUnavailable();
  let svc: TestService | undefined;
  let pgc: PostgresClient | undefined;
  const workspaces: Workspace[] = [];
  if (reason) {
    announceOnce(reason);
  } else {
    before(async () => {
      ensureBinaries();
      svc = await startService(opts);
      pgc = postgresClient(svc);
    });
    after(async () => {
      for (const ws of workspaces) {
        if (ws.hasResources()) {
          try {
            await ws.destroy({ timeoutMs: 5 * 60_000 });
          } catch (e) {
            process.stderr.write(`cleanup: terraform destroy in ${ws.dir} failed: ${(e as Error).message}\n`);
          }
        }
        if (process.env.PGCLOUD_TEST_LOG_DIR) fs.cpSync(ws.dir, path.join(process.env.PGCLOUD_TEST_LOG_DIR, path.basename(ws.dir)), { recursive: true });
        fs.rmSync(ws.dir, { recursive: true, force: true });
      }
      await svc?.cleanup();
    });
  }
  const suite: TerraformSuite = {
    test(name: string, a: any, b?: any) {
      const fn: (t: TestContext) => Promise<void> = b ?? a;
      const options: { timeout?: number } = b ? a : {};
      if (reason) nodeTest(`${title}: ${name}`, { skip: `Terraform tests did not run: ${reason}` }, () => {});
      else nodeTest(name, { timeout: options.timeout ?? 20 * 60_000 }, fn);
    },
    get svc() {
      if (!svc) throw new Error('the suite has no service yet (use it inside a test)');
      return svc;
    },
    get pgc() {
      if (!pgc) throw new Error('the suite has no service yet (use it inside a test)');
      return pgc;
    },
    async workspace(name: string, region?: string) {
      const ws = newWorkspace(suite.svc, name, region);
      workspaces.push(ws);
      return ws;
    },
  };
  return suite;
}
