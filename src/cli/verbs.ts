// Client verbs of `pgcloud`: create, list, describe, wait, connect, isolate, destroy and call. They
// are clients of the API like any other, through the official SDK (see client.ts).
import { spawn, spawnSync } from 'node:child_process';
import { Option, type Command } from 'commander';
import {
  CliError, clientOptions, commonClient, postgresClient, printJson, promptLine, promptSecret, run, sleep, table,
  type ClientOptions, type PostgresClient,
} from './client.ts';

type DBInstance = Record<string, any>;

const POLL_MS = 250;
/** Statuses from which an instance will not become running by itself. */
const DEAD_END = ['offlining', 'offline', 'isolating', 'isolated', 'recycling', 'recycled'];

// ---- helpers ---------------------------------------------------------------------------------

async function describeInstance(client: PostgresClient, id: string): Promise<DBInstance> {
  const res = await client.DescribeDBInstanceAttribute({ DBInstanceId: id });
  return res.DBInstance as DBInstance;
}

function privateNet(inst: DBInstance): { Ip: string; Port: number } | undefined {
  const net = (inst.DBInstanceNetInfo as DBInstance[] | undefined)?.find((n) => n.NetType === 'private' && n.Ip);
  return net ? { Ip: net.Ip, Port: net.Port } : undefined;
}

/** postgres://user[:password]@ip:port/database, or undefined while the instance has no address. */
export function connectionUrl(inst: DBInstance, user: string, password?: string, database = 'postgres'): string | undefined {
  const net = privateNet(inst);
  if (!net) return undefined;
  const auth = encodeURIComponent(user) + (password ? ':' + encodeURIComponent(password) : '');
  return `postgres://${auth}@${net.Ip}:${net.Port}/${encodeURIComponent(database)}`;
}

/**
 * Polls until every instance has the target status, printing each change as a line
 * ("postgres-xxxxxxxx  initing  0.4s"). Fails on a status from which the target cannot come.
 */
async function watch(
  client: PostgresClient,
  ids: string[],
  target: string,
  o: { timeoutS: number; log: (line: string) => void; deadEnds?: string[] },
): Promise<Map<string, DBInstance>> {
  const started = Date.now();
  const last = new Map<string, string>();
  const done = new Map<string, DBInstance>();
  const width = Math.max(...ids.map((i) => i.length));
  while (true) {
    for (const id of ids) {
      if (done.has(id)) continue;
      const inst = await describeInstance(client, id);
      const status = String(inst.DBInstanceStatus);
      if (last.get(id) !== status) {
        last.set(id, status);
        o.log(`${id.padEnd(width)}  ${status.padEnd(10)}  ${((Date.now() - started) / 1000).toFixed(1)}s`);
      }
      if (status === target) done.set(id, inst);
      else if ((o.deadEnds ?? []).includes(status)) throw new CliError(`${id} is ${status}; it will not become ${target}`);
    }
    if (done.size === ids.length) return done;
    if (Date.now() - started > o.timeoutS * 1000) {
      throw new CliError(`timed out after ${o.timeoutS}s waiting for ${target}: ${ids.filter((i) => !done.has(i)).map((i) => `${i} is ${last.get(i)}`).join(', ')}`);
    }
    await sleep(POLL_MS);
  }
}

/** The admin account of an instance: DescribeAccounts where the service has it, else "dbadmin". */
async function adminUser(client: PostgresClient, id: string): Promise<string> {
  try {
    const res: any = await (client as any).request('DescribeAccounts', { DBInstanceId: id });
    const accounts: DBInstance[] = res.Details ?? [];
    const admin = accounts.find((a) => /super/i.test(String(a.UserType ?? ''))) ?? accounts[0];
    if (admin?.UserName) return String(admin.UserName);
  } catch {
    /* no DescribeAccounts: the default admin name */
  }
  return 'dbadmin';
}

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new CliError(`${name} must be an integer`);
  return n;
};

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Progress and notes: stdout for people, stderr when stdout carries JSON. */
const logger = (o: ClientOptions) => (line: string) => (o.output === 'json' ? process.stderr : process.stdout).write(line + '\n');

// ---- verbs -----------------------------------------------------------------------------------

interface CreateOptions extends ClientOptions {
  dbVersion?: string;
  spec: string;
  storage: number;
  zone?: string;
  count: number;
  name?: string;
  standbyZone?: string;
  tag?: string[];
  chargeType: string;
  period: number;
  adminName: string;
  charset: string;
  deletionProtection?: boolean;
  wait: boolean;
  timeout: number;
}

async function create(o: CreateOptions): Promise<void> {
  const client = postgresClient(o);
  const log = logger(o);
  let password = process.env.PGCLOUD_ADMIN_PASSWORD;
  if (!password) {
    password = await promptSecret(`Password for ${o.adminName}: `);
    const again = await promptSecret('Repeat it: ');
    if (again !== password) throw new CliError('the passwords differ');
  }
  // Defaults from the catalogue: the newest available major and the first available zone.
  let major = o.dbVersion;
  if (!major) {
    const { VersionSet } = await client.DescribeDBVersions({});
    major = (VersionSet ?? []).filter((v) => v.Status === 'AVAILABLE').map((v) => v.DBMajorVersion!).sort((a, b) => Number(b) - Number(a))[0];
    if (!major) throw new CliError('the service offers no PostgreSQL version');
  }
  let zone = o.zone;
  if (!zone) {
    const { ZoneSet } = await client.DescribeZones({});
    zone = (ZoneSet ?? []).find((z) => z.ZoneState === 'AVAILABLE')?.Zone;
    if (!zone) throw new CliError(`no available zone in ${o.region}`);
  }
  const tags = (o.tag ?? []).map((t) => {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new CliError(`--tag wants key=value, not "${t}"`);
    return { TagKey: t.slice(0, eq), TagValue: t.slice(eq + 1) };
  });
  const req: Record<string, unknown> = {
    Zone: zone,
    SpecCode: o.spec,
    Storage: o.storage,
    InstanceCount: o.count,
    Period: o.period,
    Charset: o.charset,
    AdminName: o.adminName,
    AdminPassword: password,
    DBMajorVersion: major,
    InstanceChargeType: o.chargeType,
  };
  if (o.name) req.Name = o.name;
  if (tags.length) req.TagList = tags;
  if (o.standbyZone) req.DBNodeSet = [{ Role: 'Primary', Zone: zone }, { Role: 'Standby', Zone: o.standbyZone }];
  if (o.deletionProtection) req.DeletionProtection = true;

  if (o.output !== 'json') log(`Creating ${o.count} instance${o.count > 1 ? 's' : ''}: PostgreSQL ${major}, ${o.spec}, ${o.storage} GB, ${zone}${o.standbyZone ? ` (standby ${o.standbyZone})` : ''}`);
  const res = await client.CreateInstances(req as any);
  const ids = res.DBInstanceIdSet ?? [];
  if (!o.wait) {
    if (o.output === 'json') printJson({ DBInstanceIdSet: ids, DealNames: res.DealNames, BillId: res.BillId });
    else for (const id of ids) log(id);
    return;
  }
  const ready = await watch(client, ids, 'running', { timeoutS: o.timeout, log, deadEnds: DEAD_END });
  const urls = ids.map((id) => ({ DBInstanceId: id, Url: connectionUrl(ready.get(id)!, o.adminName) }));
  if (o.output === 'json') printJson({ DBInstanceIdSet: ids, DealNames: res.DealNames, BillId: res.BillId, Instances: urls });
  else for (const u of urls) log(`${u.DBInstanceId} is running: ${u.Url}`);
}

async function list(o: ClientOptions & { name?: string }): Promise<void> {
  const client = postgresClient(o);
  const all: DBInstance[] = [];
  const Filters = o.name ? [{ Name: 'db-instance-name', Values: [o.name] }] : undefined;
  for (let offset = 0; ; offset += 100) {
    const res = await client.DescribeDBInstances({ Limit: 100, Offset: offset, ...(Filters ? { Filters } : {}) });
    const page = (res.DBInstanceSet ?? []) as DBInstance[];
    all.push(...page);
    if (page.length < 100 || all.length >= (res.TotalCount ?? 0)) break;
  }
  if (o.output === 'json') {
    printJson({ TotalCount: all.length, DBInstanceSet: all });
    return;
  }
  if (all.length === 0) {
    process.stdout.write(`no instances in ${o.region}\n`);
    return;
  }
  const rows = all.map((i) => {
    const net = privateNet(i);
    return [i.DBInstanceId, i.DBInstanceName ?? '', i.DBInstanceStatus, i.DBVersion ?? '', i.DBInstanceClass ?? '', `${i.DBInstanceStorage} GB`, i.Zone ?? '', net ? `${net.Ip}:${net.Port}` : '-'];
  });
  process.stdout.write(table(['ID', 'NAME', 'STATUS', 'VERSION', 'SPEC', 'STORAGE', 'ZONE', 'ADDRESS'], rows) + '\n');
}

async function describe(id: string, o: ClientOptions): Promise<void> {
  const inst = await describeInstance(postgresClient(o), id);
  if (o.output === 'json') {
    printJson(inst);
    return;
  }
  const net = privateNet(inst);
  const lines: Array<[string, unknown]> = [
    ['ID', inst.DBInstanceId],
    ['Name', inst.DBInstanceName],
    ['Status', inst.DBInstanceStatus],
    ['Version', `${inst.DBVersion} (kernel ${inst.DBKernelVersion})`],
    ['Spec', `${inst.DBInstanceClass}: ${inst.DBInstanceCpu} CPU, ${inst.DBInstanceMemory} GB memory, ${inst.DBInstanceStorage} GB storage`],
    ['Charset', inst.DBCharset],
    ['Region / zone', `${inst.Region} / ${inst.Zone}`],
    ['Nodes', ((inst.DBNodeSet ?? []) as DBInstance[]).map((n) => `${n.Role} in ${n.Zone}`).join(', ') || '-'],
    ['Address', net ? `${net.Ip}:${net.Port}` : '-'],
    ['VPC / subnet', `${inst.VpcId || '-'} / ${inst.SubnetId || '-'}`],
    ['Pay type', inst.PayType],
    ['Tags', ((inst.TagList ?? []) as DBInstance[]).map((t) => `${t.TagKey}=${t.TagValue}`).join(', ') || '-'],
    ['Deletion protection', inst.DeletionProtection ? 'on' : 'off'],
    ['Created', inst.CreateTime],
  ];
  const w = Math.max(...lines.map(([k]) => k.length));
  process.stdout.write(lines.map(([k, v]) => `${(k + ':').padEnd(w + 1)} ${v ?? ''}`).join('\n') + '\n');
}

async function waitFor(id: string, o: ClientOptions & { status: string; timeout: number }): Promise<void> {
  const client = postgresClient(o);
  const deadEnds = o.status === 'running' ? DEAD_END : [];
  const done = await watch(client, [id], o.status, { timeoutS: o.timeout, log: logger(o), deadEnds });
  if (o.output === 'json') printJson(done.get(id));
}

async function connect(id: string, o: ClientOptions & { password?: string; user?: string; database: string; psql: boolean }): Promise<void> {
  const client = postgresClient(o);
  const inst = await describeInstance(client, id);
  const user = o.user ?? (await adminUser(client, id));
  const password = o.password ?? process.env.PGCLOUD_ADMIN_PASSWORD ?? undefined;
  const url = connectionUrl(inst, user, password, o.database);
  if (!url) throw new CliError(`${id} has no address yet (status ${inst.DBInstanceStatus})`);
  if (o.output === 'json') {
    printJson({ DBInstanceId: id, Status: inst.DBInstanceStatus, Url: url });
    return;
  }
  process.stdout.write(url + '\n');
  if (!o.psql || !process.stdin.isTTY || !process.stdout.isTTY) return;
  if (spawnSync('psql', ['--version'], { stdio: 'ignore' }).status !== 0) {
    process.stderr.write('(psql is not installed; use the URL above with any PostgreSQL client)\n');
    return;
  }
  // The password goes to psql through its environment, not its command line.
  const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
  const child = spawn('psql', [connectionUrl(inst, user, undefined, o.database)!], { stdio: 'inherit', env });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  process.exitCode = code;
}

async function isolate(id: string, o: ClientOptions & { wait: boolean; timeout: number }): Promise<void> {
  const client = postgresClient(o);
  await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
  if (o.wait) await watch(client, [id], 'isolated', { timeoutS: o.timeout, log: logger(o) });
  if (o.output === 'json') printJson({ DBInstanceId: id, Status: o.wait ? 'isolated' : 'isolating' });
}

async function destroy(id: string, o: ClientOptions & { yes?: boolean; timeout: number }): Promise<void> {
  const client = postgresClient(o);
  const log = logger(o);
  const inst = await describeInstance(client, id);
  if (!o.yes) {
    const answer = await promptLine(`Destroy ${id} (${inst.DBInstanceName}, ${inst.DBInstanceStatus})? Its data is deleted for good. Type the instance ID to confirm: `);
    if (answer.trim() !== id) throw new CliError('not confirmed; nothing was done');
  }
  // Only an isolated instance can be destroyed: isolate it first.
  if (inst.DBInstanceStatus !== 'isolated') {
    if (inst.DBInstanceStatus !== 'isolating') await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
    await watch(client, [id], 'isolated', { timeoutS: o.timeout, log });
  }
  await client.DestroyDBInstance({ DBInstanceId: id });
  if (o.output === 'json') printJson({ DBInstanceId: id, Destroyed: true });
  else log(`${id} destroyed`);
}

async function call(action: string, o: ClientOptions & { json: string; service: string; version?: string }): Promise<void> {
  let params: unknown;
  try {
    params = JSON.parse(o.json);
  } catch (e: any) {
    throw new CliError(`--json is not JSON: ${e.message}`);
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new CliError('--json must be a JSON object');
  const version = o.version ?? (o.service === 'postgres' ? '2017-03-12' : undefined);
  if (!version) throw new CliError(`--version is required for service ${o.service}`);
  const res = await commonClient(o, o.service, version).request(action, params);
  printJson(res);
}

// ---- registration ----------------------------------------------------------------------------

export function registerClientCommands(program: Command): void {
  clientOptions(
    program
      .command('create')
      .description('create instances and follow them to running (the admin password from PGCLOUD_ADMIN_PASSWORD or a prompt)')
      .option('--db-version <major>', 'PostgreSQL major version (default: the newest offered)')
      .option('--spec <code>', 'SpecCode (see DescribeClasses)', 'cdb.pg.z1.2g')
      .option('--storage <GB>', 'storage in GB (steps of 10)', int('--storage'), 10)
      .option('--zone <zone>', 'primary zone (default: the first available one)')
      .option('--standby-zone <zone>', 'zone of the standby node')
      .option('--count <n>', 'number of instances (1-10)', int('--count'), 1)
      .option('--name <name>', 'instance name')
      .option('--tag <key=value>', 'a tag (repeatable)', collect)
      .addOption(new Option('--charge-type <type>', 'PREPAID or POSTPAID_BY_HOUR').default('POSTPAID_BY_HOUR'))
      .option('--period <months>', 'purchase period in months (prepaid)', int('--period'), 1)
      .option('--admin-name <name>', 'admin account name', 'dbadmin')
      .option('--charset <charset>', 'UTF8 or LATIN1', 'UTF8')
      .option('--deletion-protection', 'turn deletion protection on')
      .option('--no-wait', 'return once the order is placed')
      .option('--timeout <seconds>', 'how long to wait for running', int('--timeout'), 600),
  ).action(run(create));

  clientOptions(program.command('list').description('list instances').option('--name <name>', 'only instances whose name matches')).action(run(list));

  clientOptions(program.command('describe <id>').description('show one instance')).action(run(describe));

  clientOptions(
    program
      .command('wait <id>')
      .description('wait until an instance has a status (running by default), showing its progress')
      .option('--status <status>', 'the status to wait for', 'running')
      .option('--timeout <seconds>', 'give up after', int('--timeout'), 600),
  ).action(run(waitFor));

  clientOptions(
    program
      .command('connect <id>')
      .description('print the postgres:// URL of an instance and start psql on it (when installed and on a terminal)')
      .addOption(new Option('--password <password>', 'put this password in the URL').env('PGCLOUD_ADMIN_PASSWORD'))
      .option('--user <name>', 'account name (default: the admin account)')
      .option('--database <name>', 'database', 'postgres')
      .option('--no-psql', 'only print the URL'),
  ).action(run(connect));

  clientOptions(
    program
      .command('isolate <id>')
      .description('isolate an instance (its server stops, its data is kept)')
      .option('--no-wait', 'return once the request is accepted')
      .option('--timeout <seconds>', 'how long to wait for isolated', int('--timeout'), 600),
  ).action(run(isolate));

  clientOptions(
    program
      .command('destroy <id>')
      .description('isolate (if needed) and destroy an instance; asks first unless --yes')
      .option('-y, --yes', 'do not ask')
      .option('--timeout <seconds>', 'how long to wait for isolated', int('--timeout'), 600),
  ).action(run(destroy));

  clientOptions(
    program
      .command('call <action>')
      .description('call any API action, as tccli does (prints the response as JSON)')
      .option('--json <params>', 'the action parameters as a JSON object', '{}')
      .option('--service <service>', 'the service', 'postgres')
      .option('--version <version>', 'API version (default 2017-03-12 for postgres)'),
  ).action(run(call));
}
