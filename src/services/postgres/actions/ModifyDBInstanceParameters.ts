// ModifyDBInstanceParameters: the new values are stored with one event per parameter ("in progress")
// and the instance goes "parameter modifying"; the reconciler writes them to the server's config and
// reloads it, or restarts it when one of them needs a restart (NeedReboot), then marks the events
// "success" (Terraform waits for that through DescribeParamsEvent).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { normalizeParameter, parameter } from '../../../core/catalog/parameters.ts';
import { changeInstance, insertParamEvents, insertTask } from '../../../store/lifecycle.ts';
import { findInstance, requireStatus, SETTLED, statusDenied } from '../lifecycle.ts';

export default defineAction<{ DBInstanceId: string; ParamList: Array<{ Name: string; ExpectedValue: string }> }, { TaskId: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDBInstanceParameters',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    ParamList: {
      type: { array: { object: { Name: { type: 'string', required: true, description: 'Parameter name.' }, ExpectedValue: { type: 'string', required: true, description: 'New value, as a string.' } } } },
      required: true,
      description: 'Parameters and their new values.',
    },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    requireStatus(row, SETTLED, 'ModifyDBInstanceParameters');
    if (!req.ParamList.length) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'ParamList must name at least one parameter.');
    const current = JSON.parse(row.parameters || '{}') as Record<string, string>;
    const next = { ...current };
    const changes: Array<{ name: string; old: string; value: string }> = [];
    for (const { Name, ExpectedValue } of req.ParamList) {
      const p = parameter(row.db_major_version, Name);
      if (!p) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Parameter ${Name} does not exist or cannot be changed on PostgreSQL ${row.db_major_version}; see DescribeDBInstanceParameters.`);
      const value = normalizeParameter(p, ExpectedValue);
      changes.push({ name: p.name, old: next[p.name] ?? p.default, value });
      if (value === p.default) delete next[p.name];
      else next[p.name] = value;
    }
    const now = ctx.clock.now().toISOString();
    const taskId = await ctx.db.transaction().execute(async (trx) => {
      const gen = await changeInstance(trx, row.id, SETTLED, { parameters: JSON.stringify(next), status: 'parameter modifying', updated_at: now });
      if (gen === undefined) throw statusDenied(row, 'ModifyDBInstanceParameters');
      await insertParamEvents(
        trx,
        changes.map((c) => ({ instance_id: row.id, name: c.name, old_value: c.old, new_value: c.value, state: 'in progress', generation: gen, operator: ctx.account.uin, modified_at: now, effective_at: null })),
      );
      return insertTask(trx, { uin: ctx.account.uin, instanceId: row.id, type: 'ModifyDBInstanceParameters', generation: gen, input: { ParamList: changes.map((c) => ({ Name: c.name, ExpectedValue: c.value })) }, now });
    });
    ctx.log.info({ instance: row.id, parameters: changes.map((c) => c.name) }, 'instance parameters changing');
    ctx.wakeReconciler();
    return { TaskId: taskId };
  },
});
