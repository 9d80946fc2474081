// DescribeDBErrlogs: the server's ERROR, FATAL and PANIC records in the window, from its csvlog, newest
// first; DatabaseName, SearchKeys (each must appear in the message) and LogFilters (sql, host, user
// with INC, EXC, EQS, NEQ) narrow them.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { formatApiTime } from '../../../core/time.ts';
import { findInstance } from '../lifecycle.ts';
import { pageOf } from '../paging.ts';
import { clientAddress, recordsIn, type ServiceRecord } from '../serverLog.ts';

interface LogFilter {
  Type: string;
  Compare: string;
  Value: string[];
}

interface Request {
  DBInstanceId: string;
  StartTime: string;
  EndTime: string;
  DatabaseName?: string;
  SearchKeys?: string[];
  Limit?: number;
  Offset?: number;
  LogFilters?: LogFilter[];
}

const ERRORS = ['ERROR', 'FATAL', 'PANIC'];
const MAX_TOTAL = 10_000;
const FIELDS: Record<string, (r: ServiceRecord) => string> = { sql: (r) => r.query, host: (r) => clientAddress(r.client), user: (r) => r.user };

function filterOf(f: LogFilter, i: number): (r: ServiceRecord) => boolean {
  const field = FIELDS[f.Type];
  if (!field) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `LogFilters.${i}.Type "${f.Type}" is invalid; valid values: sql, host, user.`);
  const values = f.Value ?? [];
  switch (f.Compare) {
    case 'INC': return (r) => values.some((v) => field(r).includes(v));
    case 'EXC': return (r) => values.every((v) => !field(r).includes(v));
    case 'EQS': return (r) => values.some((v) => field(r) === v);
    case 'NEQ': return (r) => values.every((v) => field(r) !== v);
    case 'RG': throw new ApiError('UnsupportedOperation', `LogFilters.${i}.Compare RG (a numeric range) is not supported for ${f.Type}.`);
    default: throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `LogFilters.${i}.Compare "${f.Compare}" is invalid; valid values: INC, EXC, EQS, NEQ, RG.`);
  }
}

export default defineAction<Request, { TotalCount: number; Details: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDBErrlogs',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    StartTime: { type: 'string', required: true, description: 'From, e.g. 2018-01-01 00:00:00 (Beijing time), within the last 7 days.' },
    EndTime: { type: 'string', required: true, description: 'To.' },
    DatabaseName: { type: 'string', description: 'Only this database.' },
    SearchKeys: { type: { array: 'string' }, description: 'Words the message must contain (all of them).' },
    Limit: { type: 'integer', description: '1-100, default 50.' },
    Offset: { type: 'integer', description: 'From 0.' },
    LogFilters: {
      type: { array: { object: { Type: { type: 'string', required: true, description: 'sql, host or user.' }, Compare: { type: 'string', required: true, description: 'INC, EXC, EQS, NEQ (RG: not supported).' }, Value: { type: { array: 'string' }, required: true, description: 'Values.' } } } },
      description: 'Filters.',
    },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const { limit, offset } = pageOf(req, { default: 50, max: 100 });
    const filters = (req.LogFilters ?? []).map(filterOf);
    const keys = req.SearchKeys ?? [];
    const errors = (await recordsIn(ctx, row, req))
      .filter((r) => ERRORS.includes(r.severity))
      .filter((r) => !req.DatabaseName || r.database === req.DatabaseName)
      .filter((r) => keys.every((k) => r.message.includes(k)))
      .filter((r) => filters.every((f) => f(r)))
      .reverse()
      .slice(0, MAX_TOTAL);
    return {
      TotalCount: errors.length,
      Details: errors.slice(offset, offset + limit).map((r) => ({
        UserName: r.user,
        Database: r.database,
        ErrTime: formatApiTime(r.serviceTime),
        ErrMsg: r.message,
        ProcessId: r.pid,
        ClientAddr: clientAddress(r.client),
        SessionId: r.sessionId,
        SessionStartTime: formatApiTime(r.sessionStart),
        VirtualTransactionId: r.virtualTransactionId,
        SqlStateCode: r.sqlState,
        ApplicationName: r.application,
      })),
    };
  },
});
