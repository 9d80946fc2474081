// DescribeDBInstanceParameters: the parameters a tenant may change (src/core/catalog/parameters.json)
// with the instance's current values.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { formatApiTime } from '../../../core/time.ts';
import { parametersFor } from '../../../core/catalog/parameters.ts';
import { paramLastModified } from '../../../store/lifecycle.ts';
import { findInstance } from '../lifecycle.ts';

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
    const current = JSON.parse(row.parameters || '{}') as Record<string, string>;
    const modified = await paramLastModified(ctx.db, row.id);
    return {
      TotalCount: params.length,
      Detail: params.map((p) => ({
        ID: p.id,
        Name: p.name,
        ParamValueType: p.type,
        Unit: p.unit,
        DefaultValue: p.default,
        CurrentValue: current[p.name] ?? p.default,
        Max: p.max ?? 0,
        EnumValue: p.enum ?? [],
        Min: p.min ?? 0,
        ParamDescriptionCH: p.descCN,
        ParamDescriptionEN: p.descEN,
        NeedReboot: p.needReboot,
        ClassificationCN: p.classCN,
        ClassificationEN: p.classEN,
        SpecRelated: false,
        Advanced: false,
        LastModifyTime: formatApiTime(modified.get(p.name)),
        StandbyRelated: 0,
        VersionRelationSet: [],
        SpecRelationSet: [],
      })),
    };
  },
});
