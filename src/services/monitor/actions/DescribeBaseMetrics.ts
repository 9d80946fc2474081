// DescribeBaseMetrics: the metrics of a namespace (QCE/POSTGRES), their units, periods and meanings.
import { defineAction } from '../../../core/action.ts';
import { DIMENSION, METRICS, NAMESPACE } from '../../../core/monitor.ts';
import { metricOf, VERSION } from '../common.ts';

interface Req {
  Namespace: string;
  MetricName?: string;
  Dimensions?: string[];
}

export default defineAction<Req, { MetricSet: Array<Record<string, unknown>> }>({
  service: 'monitor',
  version: VERSION,
  name: 'DescribeBaseMetrics',
  request: {
    Namespace: { type: 'string', required: true, description: 'Namespace: QCE/POSTGRES.' },
    MetricName: { type: 'string', description: 'Only this metric.' },
    Dimensions: { type: { array: 'string' }, description: 'Only metrics with these dimensions.' },
  },
  async handle(_ctx, req) {
    metricOf(req.Namespace, undefined);
    const list = METRICS.filter((m) => (req.MetricName === undefined || m.name === req.MetricName) && (req.Dimensions === undefined || req.Dimensions.every((d) => d === DIMENSION)));
    return {
      MetricSet: list.map((m) => ({
        Namespace: NAMESPACE,
        MetricName: m.name,
        Unit: m.unit,
        UnitCname: m.unitCname,
        Period: m.periods,
        // A 5 s point is one reading; longer ones are the average (or the sum) of them.
        Periods: m.periods.map((p) => ({ Period: String(p), StatType: [p === 5 ? 'first' : m.stat] })),
        Meaning: { En: m.en, Zh: m.zh },
        Dimensions: [{ Dimensions: [DIMENSION] }],
        MetricCName: m.cname,
        MetricEName: m.ename,
      })),
    };
  },
});
