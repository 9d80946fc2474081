// IsolateDBInstances: the first step of deleting an instance. Its servers are stopped, its data is
// kept; the reconciler moves it from "isolating" to "isolated". Only one ID per call, as the API says.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { changeInstance } from '../../../store/lifecycle.ts';
import { readOnlyInstancesOf } from '../../../store/readonly.ts';
import { checkDeletionProtection, findInstance, ISOLATABLE_OR_FAILED, requireStatus, statusDenied } from '../lifecycle.ts';

export default defineAction<{ DBInstanceIdSet: string[] }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'IsolateDBInstances',
  request: {
    DBInstanceIdSet: { type: { array: 'string' }, required: true, description: 'The instance to isolate (exactly one ID).' },
  },
  async handle(ctx, req) {
    if (req.DBInstanceIdSet.length === 0) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'DBInstanceIdSet must name the instance to isolate.');
    // The API documents "only one ID may be passed"; more is a value out of the allowed range.
    if (req.DBInstanceIdSet.length > 1) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', 'Only one instance can be isolated per call; DBInstanceIdSet has ' + req.DBInstanceIdSet.length + '.');
    const row = await findInstance(ctx, req.DBInstanceIdSet[0]!);
    checkDeletionProtection(row, 'IsolateDBInstances');
    requireStatus(row, ISOLATABLE_OR_FAILED, 'IsolateDBInstances');
    const now = ctx.clock.now().toISOString();
    // A master's read-only instances are isolated with it (they cannot serve without it), in the same transaction.
    const gen = await ctx.db.transaction().execute(async (trx) => {
      const g = await changeInstance(trx, row.id, ISOLATABLE_OR_FAILED, { desired_state: 'stopped', status: 'isolating', updated_at: now });
      if (g !== undefined && !row.master_id)
        for (const ro of await readOnlyInstancesOf(trx, row.id)) await changeInstance(trx, ro.id, ISOLATABLE_OR_FAILED, { desired_state: 'stopped', status: 'isolating', updated_at: now });
      return g;
    });
    if (gen === undefined) throw statusDenied(row, 'IsolateDBInstances');
    ctx.log.info({ instance: row.id }, 'instance isolating');
    ctx.wakeReconciler();
    return {};
  },
});
