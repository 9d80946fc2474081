// `pgcloud top <id>`: an instance's live figures through the Cloud Monitor API (GetMonitorData,
// namespace QCE/POSTGRES, the latest 5 s point of each metric), refreshed until interrupted or once.
import * as tc from 'tencentcloud-sdk-nodejs';
import { Option, type Command } from 'commander';
import { clientOptions, httpProfile, loadCredential, printJson, run, sleep, table, CliError, type ClientOptions } from './client.ts';

type MonitorClient = InstanceType<typeof tc.monitor.v20180724.Client>;

/** What `top` shows, in this order: metric, label, unit shown after the figure. */
const SHOWN: Array<[string, string, string]> = [
  ['Connections', 'connections', ''],
  ['ActiveConns', 'active', ''],
  ['IdleConns', 'idle', ''],
  ['IdleInXact', 'idle in transaction', ''],
  ['LongQuery', 'queries over 1 s', ''],
  ['Cpu', 'CPU', '%'],
  ['Memory', 'memory', 'MB'],
  ['MemoryRate', 'memory use', '%'],
  ['Storage', 'storage', 'GB'],
  ['StorageRate', 'storage use', '%'],
  ['Tps', 'transactions', '/s'],
  ['TupFetched', 'rows fetched', '/s'],
  ['TupReturned', 'rows scanned', '/s'],
  ['TupInserted', 'rows inserted', '/s'],
  ['TupUpdated', 'rows updated', '/s'],
  ['TupDeleted', 'rows deleted', '/s'],
  ['HitPercent', 'cache hit', '%'],
  ['Deadlocks', 'deadlocks', ''],
  ['XlogDiff', 'standby replay gap', 'B'],
];

function monitorClient(o: ClientOptions): MonitorClient {
  return new tc.monitor.v20180724.Client({
    credential: loadCredential(o.dataDir),
    region: o.region ?? 'ap-guangzhou',
    profile: { httpProfile: httpProfile(o.endpoint ?? '127.0.0.1:8432') },
  });
}

/** The latest point of each metric within the last minute (undefined: no point yet). */
async function latest(client: MonitorClient, id: string): Promise<Record<string, { value: number; timestamp: number } | undefined>> {
  const now = Math.floor(Date.now() / 1000);
  const iso = (t: number) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, '+00:00');
  const out: Record<string, { value: number; timestamp: number } | undefined> = {};
  await Promise.all(
    SHOWN.map(async ([metric]) => {
      const res = await client.GetMonitorData({
        Namespace: 'QCE/POSTGRES', MetricName: metric, Period: 5, StartTime: iso(now - 60), EndTime: iso(now + 5),
        Instances: [{ Dimensions: [{ Name: 'resourceId', Value: id }] }],
      });
      const dp = res.DataPoints?.[0];
      const n = dp?.Timestamps?.length ?? 0;
      out[metric] = n ? { value: dp!.Values![n - 1]!, timestamp: dp!.Timestamps![n - 1]! } : undefined;
    }),
  );
  return out;
}

const figure = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));

function render(id: string, figures: Awaited<ReturnType<typeof latest>>): string {
  const at = Math.max(0, ...Object.values(figures).map((f) => f?.timestamp ?? 0));
  const head = `${id}  ${at ? `sampled ${new Date(at * 1000).toISOString().replace('T', ' ').slice(0, 19)} UTC` : 'no samples yet'}`;
  const rows = SHOWN.map(([metric, label, unit]) => {
    const f = figures[metric];
    return [label, f ? `${figure(f.value)}${unit ? ` ${unit}` : ''}` : '-', metric];
  });
  return `${head}\n${table(['', 'NOW', 'METRIC'], rows)}\n`;
}

async function top(id: string, o: ClientOptions & { once?: boolean; interval: number }): Promise<void> {
  const client = monitorClient(o);
  for (;;) {
    const figures = await latest(client, id);
    if (o.output === 'json') printJson(Object.fromEntries(SHOWN.map(([m]) => [m, figures[m] ?? null])));
    else process.stdout.write((process.stdout.isTTY && !o.once ? '\x1b[H\x1b[2J' : '') + render(id, figures));
    if (o.once) return;
    await sleep(o.interval * 1000);
  }
}

export function registerTopCommand(program: Command): void {
  clientOptions(
    program
      .command('top <id>')
      .description("an instance's live figures (connections, CPU, memory, storage, transactions, rows, cache hit) from the monitoring API")
      .option('--once', 'print once and exit')
      .addOption(
        new Option('--interval <seconds>', 'refresh every (at least the 5 s sampling period)').default(5).argParser((v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1) throw new CliError('--interval must be a whole number of seconds');
          return n;
        }),
      ),
  ).action(run(top));
}
