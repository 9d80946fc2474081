// ModifyBackupPlan: changes one plan (the default one when PlanId is absent). Fields left out keep
// their value. LogBackupRetentionPeriod is the instance's WAL retention: it is kept the same on all
// its plans.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findInstance } from '../lifecycle.ts';
import { ensureDefaultPlans, listPlans, updatePlan } from '../../../store/backupPlans.ts';
import { checkBackupMethod, checkPeriods, checkPlanName, checkRetention, checkTimeOfDay, requirePlansEditable } from '../backupPlans.ts';

interface Request {
  DBInstanceId: string;
  MinBackupStartTime?: string;
  MaxBackupStartTime?: string;
  BaseBackupRetentionPeriod?: number;
  BackupPeriod?: string[];
  LogBackupRetentionPeriod?: number;
  PlanId?: string;
  PlanName?: string;
  BackupMethod?: string;
}

export default defineAction<Request, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyBackupPlan',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    MinBackupStartTime: { type: 'string', description: 'Earliest start time of a backup, HH:MM:SS.' },
    MaxBackupStartTime: { type: 'string', description: 'Latest start time of a backup, HH:MM:SS.' },
    BaseBackupRetentionPeriod: { type: 'integer', description: 'Days a base backup is kept, 7-1830.' },
    BackupPeriod: { type: { array: 'string' }, description: 'Weekday names (weekly plan, at least two) or day numbers (monthly plan).' },
    LogBackupRetentionPeriod: { type: 'integer', description: 'Days the WAL (log backups) is kept, 7-1830.' },
    PlanId: { type: 'string', description: 'The plan to change; the default plan when absent.' },
    PlanName: { type: 'string', description: 'New name of the plan.' },
    BackupMethod: { type: 'string', description: 'physical, logical or snapshot.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    requirePlansEditable(row, 'ModifyBackupPlan');
    checkBackupMethod(req.BackupMethod);
    const min = req.MinBackupStartTime !== undefined ? checkTimeOfDay(req.MinBackupStartTime, 'MinBackupStartTime') : undefined;
    const max = req.MaxBackupStartTime !== undefined ? checkTimeOfDay(req.MaxBackupStartTime, 'MaxBackupStartTime') : undefined;
    const baseDays = req.BaseBackupRetentionPeriod !== undefined ? checkRetention(req.BaseBackupRetentionPeriod, 'BaseBackupRetentionPeriod', 7, 1830) : undefined;
    const logDays = req.LogBackupRetentionPeriod !== undefined ? checkRetention(req.LogBackupRetentionPeriod, 'LogBackupRetentionPeriod', 7, 1830) : undefined;
    const name = req.PlanName !== undefined ? checkPlanName(req.PlanName) : undefined;
    const nowIso = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      await ensureDefaultPlans(trx, [{ id: row.id, uin: row.uin }], row.created_at);
      const plans = await listPlans(trx, row.id);
      const plan = req.PlanId ? plans.find((p) => p.plan_id === req.PlanId) : plans.find((p) => p.plan_type === 'default');
      if (!plan) throw new ApiError('InvalidParameter.ParameterCheckError', `Instance ${row.id} has no backup plan ${req.PlanId}; see DescribeBackupPlans.`);
      const periods = req.BackupPeriod !== undefined ? checkPeriods(req.BackupPeriod, plan.period_type === 'month' ? 'month' : 'week') : undefined;
      if (name !== undefined && name !== plan.plan_name && plans.some((p) => p.plan_name === name))
        throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Instance ${row.id} already has a backup plan named "${name}".`);
      await updatePlan(trx, plan.plan_id, {
        ...(min !== undefined ? { min_start: min } : {}),
        ...(max !== undefined ? { max_start: max } : {}),
        ...(baseDays !== undefined ? { base_retention_days: baseDays } : {}),
        ...(periods !== undefined ? { periods: JSON.stringify(periods) } : {}),
        ...(name !== undefined ? { plan_name: name } : {}),
        updated_at: nowIso,
      });
      if (logDays !== undefined) for (const p of plans) await updatePlan(trx, p.plan_id, { log_retention_days: logDays, updated_at: nowIso });
    });
    return {};
  },
});
