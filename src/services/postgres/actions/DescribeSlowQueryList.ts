// DescribeSlowQueryList: the statements the server logged as slow (log_min_duration_statement, a
// parameter of ModifyDBInstanceParameters, -1 off by default) in the window, from its csvlog. Duration
// in milliseconds as PostgreSQL logs it; SessionStartTime is when the statement started (logged
// time minus its duration); DurationAnalysis counts them per duration segment.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { formatApiTime } from '../../../core/time.ts';
import { findInstance } from '../lifecycle.ts';
import { pageOf } from '../paging.ts';
import { clientAddress, recordsIn, slowStatements } from '../serverLog.ts';

interface Request {
  DBInstanceId: string;
  StartTime: string;
  EndTime: string;
  DatabaseName?: string;
  OrderByType?: string;
  OrderBy?: string;
  Limit?: number;
  Offset?: number;
}

// Ten-second segments, as the vendor's example names them ("10-20s", "40-50s"); what is past a minute
// is the last segment (its name inferred).
const SEGMENTS: Array<[string, number]> = [['0-10s', 10_000], ['10-20s', 20_000], ['20-30s', 30_000], ['30-40s', 40_000], ['40-50s', 50_000], ['50-60s', 60_000], ['60s+', Infinity]];
const MAX_TOTAL = 10_000;

export default defineAction<Request, { TotalCount: number; DurationAnalysis: Array<{ TimeSegment: string; Count: number }>; RawSlowQueryList: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeSlowQueryList',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    StartTime: { type: 'string', required: true, description: 'From, e.g. 2018-01-01 00:00:00 (Beijing time), within the last 7 days.' },
    EndTime: { type: 'string', required: true, description: 'To, e.g. 2018-01-01 00:00:00.' },
    DatabaseName: { type: 'string', description: 'Only this database.' },
    OrderByType: { type: 'string', description: 'asc or desc (default).' },
    OrderBy: { type: 'string', description: 'SessionStartTime (default) or Duration.' },
    Limit: { type: 'integer', description: '1-100, default 50.' },
    Offset: { type: 'integer', description: 'From 0.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const { limit, offset } = pageOf(req, { default: 50, max: 100 });
    const orderBy = req.OrderBy ?? 'SessionStartTime';
    if (orderBy !== 'SessionStartTime' && orderBy !== 'Duration') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderBy "${orderBy}" is invalid; valid values: SessionStartTime, Duration.`);
    const dir = req.OrderByType ?? 'desc';
    if (dir !== 'asc' && dir !== 'desc') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderByType "${dir}" is invalid; valid values: asc, desc.`);
    const slow = slowStatements(await recordsIn(ctx, row, req))
      .filter((s) => !req.DatabaseName || s.record.database === req.DatabaseName)
      .map((s) => ({ ...s, started: s.record.serviceTime.getTime() - s.durationMs }));
    const key = (s: (typeof slow)[number]) => (orderBy === 'Duration' ? s.durationMs : s.started);
    slow.sort((a, b) => (dir === 'asc' ? key(a) - key(b) : key(b) - key(a)));
    const all = slow.slice(0, MAX_TOTAL);
    return {
      TotalCount: all.length,
      DurationAnalysis: SEGMENTS.map(([seg, below], i) => ({
        TimeSegment: seg,
        Count: all.filter((s) => s.durationMs < below && s.durationMs >= (i ? SEGMENTS[i - 1]![1] : 0)).length,
      })),
      RawSlowQueryList: all.slice(offset, offset + limit).map((s) => ({
        RawQuery: s.statement,
        DatabaseName: s.record.database,
        Duration: s.durationMs,
        ClientAddr: clientAddress(s.record.client),
        UserName: s.record.user,
        SessionStartTime: formatApiTime(new Date(s.started)),
        ProcessId: s.record.pid,
        SessionId: s.record.sessionId,
        VirtualTransactionId: s.record.virtualTransactionId,
        SqlStateCode: s.record.sqlState,
        ApplicationName: s.record.application,
      })),
    };
  },
});
