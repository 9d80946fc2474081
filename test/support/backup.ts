// Helpers of the backup and restore tests: rows written in batches, the state of table t (a count and
// a checksum), the server's clock moved past a whole second, and waits on instances and backups.
import type pg from 'pg';
import type { PostgresClient } from './sdk.ts';
import type { TestService } from './service.ts';

/** A time as the API takes it: Beijing time, whole seconds. */
export const apiTime = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
export const fromApiTime = (s: string) => new Date(`${s.replace(' ', 'T')}+08:00`);

export interface State {
  count: number;
  md5: string;
}

export async function stateOf(c: pg.Client): Promise<State> {
  const { rows } = await c.query("SELECT count(*)::int AS n, md5(coalesce(string_agg(id || ':' || v, ',' ORDER BY id), '')) AS h FROM t");
  return { count: rows[0].n, md5: rows[0].h };
}

/** Inserts rows first..first+n-1, one transaction. */
export async function batch(c: pg.Client, first: number, n: number): Promise<void> {
  await c.query("INSERT INTO t SELECT g, md5(g::text || 'pgcloud') FROM generate_series($1::int, $2::int) g", [first, first + n - 1]);
}

/** Waits until the server's clock has passed the next whole second, and answers that second. */
export async function nextSecond(c: pg.Client): Promise<Date> {
  const now = (await c.query('SELECT clock_timestamp() AS t')).rows[0].t as Date;
  const moment = new Date(Math.floor(now.getTime() / 1000) * 1000 + 1000);
  for (;;) {
    const t = (await c.query('SELECT clock_timestamp() AS t')).rows[0].t as Date;
    if (t.getTime() > moment.getTime()) return moment;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the instance runs; one given up (offline) fails at once, with what the service logged. */
export async function waitRunning(client: PostgresClient, svc: TestService, id: string, timeoutMs = 300_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const i = (await client.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!;
    if (i.DBInstanceStatus === 'running') return i;
    if (['offline', 'offlining'].includes(i.DBInstanceStatus!) || Date.now() > deadline)
      throw new Error(`${id} is ${i.DBInstanceStatus}; the service logged:\n${svc.output().split('\n').filter((l) => l.includes(id)).slice(-5).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitBackup(client: PostgresClient, id: string): Promise<any> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await client.DescribeBaseBackups({ Filters: [{ Name: 'base-backup-id', Values: [id] }] });
    const b = res.BaseBackupSet![0];
    if (b?.State === 'finished' || b?.State === 'failed') return b;
    if (Date.now() > deadline) throw new Error(`backup ${id} did not finish (state ${b?.State})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

