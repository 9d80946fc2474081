// Base and log backups as the API shows and filters them (DescribeBaseBackups, DescribeLogBackups,
// DescribeAvailableRecoveryTime, CloneDBInstance). The backups themselves are taken by the backup
// runner (src/reconciler/backups.ts) into the engine's backup store; these read the catalogue only.
import { ApiError } from '../../core/errors.ts';
import { formatApiTime } from '../../core/time.ts';
import type { ActionContext } from '../../core/action.ts';
import type { InstanceRow } from '../../store/instances.ts';
import type { BaseBackupRow, LogBackupRow } from '../../store/baseBackups.ts';
import { pageOf } from './paging.ts';

const bad = (msg: string) => new ApiError('InvalidParameterValue.InvalidParameterValueError', msg);

/** "2024-08-23 00:00:00" in Beijing time (the API's) → Date. */
export function parseApiTime(v: string, field: string): Date {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(v);
  const d = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw bad(`${field} "${v}" is not a time like 2024-08-23 00:00:00.`);
  return d;
}

export function baseBackupView(b: BaseBackupRow): Record<string, unknown> {
  return {
    DBInstanceId: b.instance_id,
    Id: b.id,
    Name: b.name,
    BackupMethod: b.method,
    BackupMode: b.mode,
    State: b.state === 'running' && !b.start_time ? 'running' : b.state,
    Size: b.size,
    StartTime: formatApiTime(b.start_time ?? b.created_at),
    FinishTime: formatApiTime(b.finish_time),
    ExpireTime: formatApiTime(b.expire_time),
  };
}

export function logBackupView(l: LogBackupRow): Record<string, unknown> {
  return {
    DBInstanceId: l.instance_id,
    Id: l.id,
    Name: l.name,
    BackupMethod: 'physical',
    BackupMode: 'automatic',
    State: 'finished',
    Size: l.size,
    StartTime: formatApiTime(l.finish_time),
    FinishTime: formatApiTime(l.finish_time),
    ExpireTime: formatApiTime(l.expire_time),
  };
}

export interface ListRequest {
  MinFinishTime?: string;
  MaxFinishTime?: string;
  Filters?: Array<{ Name?: string; Values?: string[] }>;
  Limit?: number;
  Offset?: number;
  OrderBy?: string;
  OrderByType?: string;
}

export const LIST_REQUEST_SCHEMA = {
  MinFinishTime: { type: 'string', description: 'Earliest finish time, e.g. 2018-01-01 00:00:00; 7 days ago by default.' },
  MaxFinishTime: { type: 'string', description: 'Latest finish time; now by default.' },
  Filters: {
    type: { array: { object: { Name: { type: 'string', description: 'Filter name.' }, Values: { type: { array: 'string' }, description: 'Filter values.' } } } },
    description: 'db-instance-id, db-instance-name, db-instance-ip, db-instance-status (and base-backup-id for base backups).',
  },
  Limit: { type: 'integer', description: 'Page size, 1-100, default 10.' },
  Offset: { type: 'integer', description: 'Offset, from 0.' },
  OrderBy: { type: 'string', description: 'StartTime (default), FinishTime or Size.' },
  OrderByType: { type: 'string', description: 'asc or desc (default).' },
} as const;

type Item = { instance: InstanceRow; id: string; start: string; finish: string | null; size: number };

/**
 * The account's backups of the region that the request selects, ordered and paged. Unfinished backups
 * (no finish time yet) are listed whatever the time range, so a backup just asked for can be followed.
 */
export async function listBackups<T extends Item>(ctx: ActionContext, req: ListRequest, items: (instanceIds: string[]) => Promise<T[]>, backupIdFilter: boolean): Promise<{ total: number; page: T[] }> {
  const { limit, offset } = pageOf(req, { default: 10, max: 100 });
  const orderBy = req.OrderBy ?? 'StartTime';
  const key: Record<string, (i: T) => string | number> = { StartTime: (i) => i.start, FinishTime: (i) => i.finish ?? '', Size: (i) => i.size };
  if (!key[orderBy]) throw bad(`OrderBy "${orderBy}" is invalid; valid values: StartTime, FinishTime, Size.`);
  const direction = (req.OrderByType ?? 'desc').toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') throw bad(`OrderByType "${req.OrderByType}" is invalid; valid values: asc, desc.`);
  const now = ctx.clock.now();
  const min = req.MinFinishTime ? parseApiTime(req.MinFinishTime, 'MinFinishTime') : new Date(now.getTime() - 7 * 86_400_000);
  const max = req.MaxFinishTime ? parseApiTime(req.MaxFinishTime, 'MaxFinishTime') : undefined;
  const tests: Record<string, (i: T, v: string) => boolean> = {
    'db-instance-id': (i, v) => i.instance.id === v,
    'db-instance-name': (i, v) => i.instance.name.includes(v),
    'db-instance-ip': (i, v) => i.instance.vpc_ip === v || i.instance.host === v,
    'db-instance-status': (i, v) => i.instance.status === v,
    ...(backupIdFilter ? { 'base-backup-id': (i: T, v: string) => i.id === v } : {}),
  };
  const filters = (req.Filters ?? []).map((f) => {
    const test = f.Name ? tests[f.Name] : undefined;
    if (!test) throw bad(`Filter "${f.Name ?? ''}" is not supported; valid names: ${Object.keys(tests).join(', ')}.`);
    return { test, values: f.Values ?? [] };
  });
  const instances = await ctx.db.selectFrom('instances').select('id').where('uin', '=', ctx.account.uin).where('region', '=', ctx.region).execute();
  const all = await items(instances.map((i) => i.id));
  const matched = all.filter((i) => {
    if (i.finish) {
      const f = new Date(i.finish);
      if (f < min || (max && f > max)) return false;
    }
    return filters.every((f) => f.values.some((v) => f.test(i, v)));
  });
  const k = key[orderBy]!;
  matched.sort((a, b) => {
    const c = k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : a.id < b.id ? -1 : 1;
    return direction === 'asc' ? c : -c;
  });
  return { total: matched.length, page: matched.slice(offset, offset + limit) };
}

/** The window a clone of the instance can be restored to: from its oldest finished backup to now. */
export async function recoveryWindow(ctx: ActionContext, row: InstanceRow): Promise<{ begin: Date; end: Date } | undefined> {
  const oldest = await ctx.db
    .selectFrom('base_backups')
    .select('finish_time')
    .where('instance_id', '=', row.id)
    .where('state', '=', 'finished')
    .orderBy('finish_time', 'asc')
    .executeTakeFirst();
  if (!oldest?.finish_time) return undefined;
  // Archiving goes on while the instance serves; an isolated one's window ends at its last archived WAL.
  const serving = row.desired_state === 'running';
  let end = ctx.clock.now();
  if (!serving) {
    const last = await ctx.db.selectFrom('log_backups').select('finish_time').where('instance_id', '=', row.id).orderBy('finish_time', 'desc').executeTakeFirst();
    end = new Date(last?.finish_time ?? oldest.finish_time);
  }
  // Whole seconds, as the API gives times: the first second in which the oldest backup is consistent.
  const begin = new Date(Math.ceil(new Date(oldest.finish_time).getTime() / 1000) * 1000);
  return { begin, end: new Date(Math.floor(end.getTime() / 1000) * 1000) };
}
