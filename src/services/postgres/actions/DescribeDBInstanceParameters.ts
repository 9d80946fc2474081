// DescribeDBInstanceParameters: every parameter offered for the instance's major, with the value its
// server really runs with (pg_settings, as the reconciler last read it) and Tencent's metadata; the
// spec-related ones with the defaults and ranges of the instance's spec.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { forSpec, parametersFor } from '../../../core/catalog/parameters.ts';
import { paramLastModified } from '../../../store/lifecycle.ts';
import { loadSettings } from '../../../store/parameters.ts';
import { findInstance } from '../lifecycle.ts';
import { paramInfo } from '../parameters.ts';

export default defineAction<{ DBInstanceId: string; ParamName?: string }, { TotalCount: number; Detail: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDBInstanceParameters',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    ParamName: { type: 'string', description: 'One parameter; all when empty.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    let params = parametersFor(row.db_major_version);
    if (req.ParamName) {
      params = params.filter((p) => p.name === req.ParamName);
      if (!params.length) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Parameter ${req.ParamName} does not exist or cannot be changed on PostgreSQL ${row.db_major_version}.`);
    }
    // Before the server first ran (or when its reading is missing) the values it is to run with.
    const observed = (await loadSettings(ctx.db, row.id))?.settings ?? {};
    const desired = JSON.parse(row.parameters || '{}') as Record<string, string>;
    const modified = await paramLastModified(ctx.db, row.id);
    const spec = { memoryMb: row.memory_mb, cpu: row.cpu };
    return {
      TotalCount: params.length,
      Detail: params.map((base) => {
        const p = forSpec(base, spec);
        const current = observed[(p.pgName ?? p.name).toLowerCase()] ?? desired[p.name] ?? p.default;
        return paramInfo(p, { current, lastModified: modified.get(p.name) });
      }),
    };
  },
});
