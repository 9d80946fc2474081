// Shared parts of DescribeSlowQueryList and DescribeDBErrlogs: the time window (Beijing time, within
// the 7-day retention, by the service clock), the records of the instance's server log in it, and the
// slow-statement records (log_min_duration_statement's "duration: ... ms  statement: ...").
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { LOG_RETENTION_MS, type LogRecord } from '../../core/logs.ts';
import type { InstanceRow } from '../../store/instances.ts';
import { primaryEngineId } from '../../store/ha.ts';

const invalid = (m: string) => new ApiError('InvalidParameterValue.InvalidParameterValueError', m);

/** "2024-08-23 00:00:00" in Beijing time. */
function parseTime(v: string, field: string): Date {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(v);
  const d = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw invalid(`${field} "${v.slice(0, 40)}" is not a time like 2024-08-23 00:00:00.`);
  return d;
}

/** A record with its time on the service clock (the log has real times; the service clock may be moved). */
export type ServiceRecord = LogRecord & { serviceTime: Date };

/** The instance's log records from StartTime to EndTime (service time), oldest first. */
export async function recordsIn(ctx: ActionContext, row: InstanceRow, req: { StartTime: string; EndTime: string }): Promise<ServiceRecord[]> {
  const start = parseTime(req.StartTime, 'StartTime');
  const end = parseTime(req.EndTime, 'EndTime');
  if (end < start) throw invalid('EndTime must not be before StartTime.');
  const now = ctx.clock.now().getTime();
  if (start.getTime() < now - LOG_RETENTION_MS - 60_000) throw invalid(`StartTime ${req.StartTime} is beyond the log's retention of 7 days.`);
  if (!ctx.instanceLogs) throw new ApiError('UnsupportedOperation', "The server log needs the instance's engine, which this pgcloud process does not run.");
  const offset = now - Date.now();
  const records = await ctx.instanceLogs.logRecords(primaryEngineId(row), new Date(start.getTime() - offset), new Date(end.getTime() - offset));
  return records.map((r) => ({ ...r, serviceTime: new Date(r.time.getTime() + offset) }));
}

export interface SlowStatement {
  record: ServiceRecord;
  durationMs: number;
  statement: string;
}

const SLOW = /^duration: (\d+(?:\.\d+)?) ms {2}(?:statement|execute [^:]*): ([\s\S]*)$/;

/** The records of statements that ran longer than log_min_duration_statement. */
export function slowStatements(records: ServiceRecord[]): SlowStatement[] {
  const out: SlowStatement[] = [];
  for (const r of records) {
    if (r.severity !== 'LOG') continue;
    const m = SLOW.exec(r.message);
    if (m) out.push({ record: r, durationMs: Number(m[1]), statement: m[2]! });
  }
  return out;
}

/** "127.48.0.9:51234" or "[local]" → the address alone. */
export const clientAddress = (client: string): string => client.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
