// ModifyDBInstanceParameters: each value is checked against its parameter's type, range and enum for
// the instance's major and spec (src/core/catalog/parameters.ts), then stored with one event per
// parameter ("in progress") and the instance goes "parameter modifying"; the reconciler writes them to
// the server's configuration and reloads it, or restarts it when one needs a restart (NeedReboot), then
// marks the events "success" (Terraform waits for that through DescribeParamsEvent, and for the
// ModifyInstanceParams task through DescribeTasks). When the restart waits for the maintenance window
// (day-2 work) is the reconciler's choice: see src/reconciler/parameters.ts.
import { defineAction } from '../../../core/action.ts';
import { forSpec, parameter } from '../../../core/catalog/parameters.ts';
import { changeInstance, insertParamEvents, insertTask } from '../../../store/lifecycle.ts';
import { loadSettings } from '../../../store/parameters.ts';
import { findInstance, requireStatus, SETTLED, statusDenied } from '../lifecycle.ts';
import { checkChanges } from '../parameters.ts';

/** The task type TencentDB gives a parameter change (the provider waits for it by this name). */
export const PARAMS_TASK = 'ModifyInstanceParams';

export default defineAction<{ DBInstanceId: string; ParamList?: Array<{ Name: string; ExpectedValue: string }> }, { TaskId: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDBInstanceParameters',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    ParamList: {
      type: { array: { object: { Name: { type: 'string', required: true, description: 'Parameter name.' }, ExpectedValue: { type: 'string', required: true, description: 'New value, as a string.' } } } },
      // The SDK marks it required, but the Go SDK drops an empty list from the request: the provider's
      // apply of a template already in effect sends none (inferred: a no-op, not MissingParameter).
      description: 'Parameters and their new values.',
    },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    requireStatus(row, SETTLED, 'ModifyDBInstanceParameters');
    const spec = { memoryMb: row.memory_mb, cpu: row.cpu };
    const major = row.db_major_version;
    const changes = checkChanges(major, req.ParamList ?? [], (n) => {
      const p = parameter(major, n);
      return p && forSpec(p, spec);
    });
    const now = ctx.clock.now().toISOString();
    // Nothing to change (the provider's apply of a template already in effect sends no list): a task
    // that is done at once, and the instance stays as it is.
    if (!changes.length) {
      const taskId = await ctx.db.transaction().execute(async (trx) => {
        const id = await insertTask(trx, { uin: ctx.account.uin, instanceId: row.id, type: PARAMS_TASK, generation: row.generation, input: { ParamList: [] }, now });
        await trx.updateTable('tasks').set({ status: 'Success', progress: 100, ended_at: now }).where('id', '=', id).execute();
        return id;
      });
      return { TaskId: taskId };
    }
    const observed = (await loadSettings(ctx.db, row.id))?.settings ?? {};
    const desired = JSON.parse(row.parameters || '{}') as Record<string, string>;
    const next = { ...desired };
    const events = changes.map(({ entry, value }) => {
      const old = observed[(entry.pgName ?? entry.name).toLowerCase()] ?? desired[entry.name] ?? entry.default;
      // A spec-related parameter set back to its spec's default follows the spec again.
      if (entry.specRelated && value === entry.default) delete next[entry.name];
      else next[entry.name] = value;
      return { name: entry.name, old, value };
    });
    const taskId = await ctx.db.transaction().execute(async (trx) => {
      const gen = await changeInstance(trx, row.id, SETTLED, { parameters: JSON.stringify(next), status: 'parameter modifying', updated_at: now });
      if (gen === undefined) throw statusDenied(row, 'ModifyDBInstanceParameters');
      await insertParamEvents(
        trx,
        events.map((c) => ({ instance_id: row.id, name: c.name, old_value: c.old, new_value: c.value, state: 'in progress', generation: gen, operator: ctx.account.uin, modified_at: now, effective_at: null })),
      );
      return insertTask(trx, { uin: ctx.account.uin, instanceId: row.id, type: PARAMS_TASK, generation: gen, input: { ParamList: events.map((c) => ({ Name: c.name, ExpectedValue: c.value })) }, now });
    });
    ctx.log.info({ instance: row.id, parameters: events.map((c) => c.name) }, 'instance parameters changing');
    ctx.wakeReconciler();
    return { TaskId: taskId };
  },
});
