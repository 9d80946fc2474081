// GetMonitorData: one metric's data points for up to 50 instances (resourceId), a period the metric
// supports, between StartTime and EndTime (bucket start times, Unix seconds).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { formatApiTime } from '../../../core/time.ts';
import { BEIJING_OFFSET_SECONDS, DIMENSION } from '../../../core/monitor.ts';
import { readSeries } from '../../../store/monitor.ts';
import { instanceIds, metricOf, VERSION, type Dimension } from '../common.ts';

interface Req {
  Namespace: string;
  MetricName: string;
  Instances: Array<{ Dimensions?: Dimension[] }>;
  Period?: number;
  StartTime?: string;
  EndTime?: string;
  SpecifyStatistics?: number;
}

/** The SDK's limits: 50 instances and 7200 data points a request. */
const MAX_INSTANCES = 50;
const MAX_POINTS = 7200;

/** "2018-09-22T19:51:23+08:00" (ISO 8601 with an offset) or "2018-09-22 19:51:23" (Beijing time). */
function parseTime(field: string, value: string): number {
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(value);
  const ms = local ? Date.parse(`${local[1]}T${local[2]}+08:00`) : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new ApiError('InvalidParameterValue', `${field} ${value.slice(0, 40)} is not a time like 2018-09-22T19:51:23+08:00.`);
  return Math.floor(ms / 1000);
}

export default defineAction<Req, Record<string, unknown>>({
  service: 'monitor',
  version: VERSION,
  name: 'GetMonitorData',
  request: {
    Namespace: { type: 'string', required: true, description: 'Namespace: QCE/POSTGRES.' },
    MetricName: { type: 'string', required: true, description: 'Metric name, e.g. Connections (one metric a request).' },
    Instances: { type: { array: { object: { Dimensions: { type: { array: { object: { Name: { type: 'string', description: 'Dimension name: resourceId.' }, Value: { type: 'string', description: 'Instance ID.' } } } }, description: 'Dimensions of the instance.' } } } }, required: true, description: 'Instances by their dimensions (at most 50).' },
    Period: { type: 'integer', description: 'Statistical period in seconds (default 300); the metric must support it (DescribeBaseMetrics).' },
    StartTime: { type: 'string', description: 'Start time, e.g. 2018-09-22T19:51:23+08:00 (default: today 00:00, Beijing time).' },
    EndTime: { type: 'string', description: 'End time (default: now); not before StartTime.' },
    SpecifyStatistics: { type: 'integer', description: 'Statistics returned besides Values: 1 avg, 2 max, 4 min, combined.' },
  },
  async handle(ctx, req) {
    const metric = metricOf(req.Namespace, req.MetricName)!;
    if (!req.Instances.length) throw new ApiError('MissingParameter', 'Instances must name at least one instance.');
    if (req.Instances.length > MAX_INSTANCES) throw new ApiError('InvalidParameterValue', `At most ${MAX_INSTANCES} instances a request.`);
    const period = req.Period ?? 300;
    if (!metric.periods.includes(period)) throw new ApiError('InvalidParameterValue', `Period ${period} is not supported by ${metric.name}; supported: ${metric.periods.join(', ')}.`);
    const stats = req.SpecifyStatistics ?? 0;
    if (!Number.isInteger(stats) || stats < 0 || stats > 7) throw new ApiError('InvalidParameterValue', 'SpecifyStatistics is 1 (avg), 2 (max), 4 (min) or a sum of them.');
    const now = Math.floor(ctx.clock.now().getTime() / 1000);
    const end = req.EndTime ? parseTime('EndTime', req.EndTime) : now;
    const start = req.StartTime ? parseTime('StartTime', req.StartTime) : Math.floor((now + BEIJING_OFFSET_SECONDS) / 86400) * 86400 - BEIJING_OFFSET_SECONDS;
    if (end < start) throw new ApiError('InvalidParameterValue', 'EndTime must not be before StartTime.');
    const ids = await instanceIds(ctx, req.Instances);
    const points = ids.length * (Math.floor((end - start) / period) + 1);
    if (points > MAX_POINTS) throw new ApiError('InvalidParameterValue', `The request covers ${points} data points, more than ${MAX_POINTS}: shorten the time range, use a longer Period or fewer instances.`);
    const series = await readSeries(ctx.db, ids, metric.name, metric.stat, period, start, end);
    return {
      Period: period,
      MetricName: metric.name,
      DataPoints: ids.map((id) => {
        const s = series.get(id) ?? [];
        return {
          Dimensions: [{ Name: DIMENSION, Value: id }],
          Timestamps: s.map(([t]) => t),
          Values: s.map(([, a]) => a[0]),
          ...(stats & 1 ? { AvgValues: s.map(([, a]) => a[0]) } : {}),
          ...(stats & 2 ? { MaxValues: s.map(([, a]) => a[1]) } : {}),
          ...(stats & 4 ? { MinValues: s.map(([, a]) => a[2]) } : {}),
        };
      }),
      StartTime: formatApiTime(start * 1000),
      EndTime: formatApiTime(end * 1000),
      Msg: '',
    };
  },
});
