// Shared rules of the monitor service (Cloud Monitor, 2018-07-24) for namespace QCE/POSTGRES: which
// metric a request names and which instances its dimensions name. Field names: monitor_models.d.ts.
// Error codes where the reference is silent (README, Monitoring): an unknown namespace or metric is
// InvalidParameter "namespace or metricName invalid", the message the real service gives; an instance
// that is not the caller's (or is gone) is AuthFailure.UnauthorizedOperation, "Unauthorized operation or
// the instance has been destroyed", the error its FAQ names.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { DIMENSION, isNamespace, metricNamed, type MetricEntry } from '../../core/monitor.ts';

export const VERSION = '2018-07-24';

export function metricOf(namespace: string, metricName: string | undefined): MetricEntry | undefined {
  if (!isNamespace(namespace)) throw new ApiError('InvalidParameter', 'namespace or metricName invalid');
  if (metricName === undefined) return undefined;
  const m = metricNamed(metricName);
  if (!m) throw new ApiError('InvalidParameter', 'namespace or metricName invalid');
  return m;
}

export interface Dimension {
  Name: string;
  Value: string;
}

/** The instance IDs the request's Instances name (resourceId dimension), each the caller's, in this region. */
export async function instanceIds(ctx: ActionContext, instances: Array<{ Dimensions?: Dimension[] }>): Promise<string[]> {
  const ids = instances.map((i) => {
    const dims = i.Dimensions ?? [];
    const d = dims.length === 1 ? dims[0] : undefined;
    if (!d || d.Name !== DIMENSION || typeof d.Value !== 'string' || !d.Value) throw new ApiError('InvalidParameter', `Param dimensions error: each instance of QCE/POSTGRES is named by the one dimension ${DIMENSION}.`);
    return d.Value;
  });
  const unique = [...new Set(ids)];
  const found = new Set(
    (await ctx.db.selectFrom('instances').select('id').where('uin', '=', ctx.account.uin).where('region', '=', ctx.region).where('id', 'in', unique).where('desired_state', '!=', 'destroyed').execute()).map((r) => r.id),
  );
  const missing = unique.find((id) => !found.has(id));
  if (missing) throw new ApiError('AuthFailure.UnauthorizedOperation', `Unauthorized operation or the instance has been destroyed: ${missing.slice(0, 64)}.`);
  return unique;
}
