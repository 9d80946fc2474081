// CreateBackupPlan: a custom plan beside the default one. The real service creates monthly plans only
// ("当前仅支持month创建"); times default to the default plan's, retention to 31 days.
import { randomUUID } from 'node:crypto';
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findInstance } from '../lifecycle.ts';
import { ensureDefaultPlans, insertPlan, listPlans, uuidV5 } from '../../../store/backupPlans.ts';
import { checkPeriods, checkPlanName, checkRetention, checkTimeOfDay, requirePlansEditable } from '../backupPlans.ts';

interface Request {
  DBInstanceId: string;
  PlanName: string;
  BackupPeriodType: string;
  BackupPeriod: string[];
  MinBackupStartTime?: string;
  MaxBackupStartTime?: string;
  BaseBackupRetentionPeriod?: number;
}

export default defineAction<Request, { PlanId: string }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'CreateBackupPlan',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    PlanName: { type: 'string', required: true, description: 'Name of the backup plan.' },
    BackupPeriodType: { type: 'string', required: true, description: 'Schedule type of the plan: month (the only one that can be created).' },
    BackupPeriod: { type: { array: 'string' }, required: true, description: 'Days of the month to back up on, e.g. ["1","15"].' },
    MinBackupStartTime: { type: 'string', description: 'Earliest start time (HH:MM:SS); the default plan\'s when absent.' },
    MaxBackupStartTime: { type: 'string', description: 'Latest start time (HH:MM:SS); the default plan\'s when absent.' },
    BaseBackupRetentionPeriod: { type: 'integer', description: 'Days a base backup of this plan is kept, [0, 30000); 31 when absent.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    requirePlansEditable(row, 'CreateBackupPlan');
    const name = checkPlanName(req.PlanName);
    if (req.BackupPeriodType !== 'month') {
      throw new ApiError(
        'InvalidParameterValue.InvalidParameterValueError',
        req.BackupPeriodType === 'week'
          ? 'BackupPeriodType week is the default plan\'s: change it with ModifyBackupPlan; CreateBackupPlan creates monthly plans only.'
          : `BackupPeriodType "${req.BackupPeriodType}" is invalid; CreateBackupPlan supports month only.`,
      );
    }
    const periods = checkPeriods(req.BackupPeriod, 'month');
    const retention = checkRetention(req.BaseBackupRetentionPeriod ?? 31, 'BaseBackupRetentionPeriod', 0, 29999);
    const nowIso = ctx.clock.now().toISOString();
    const planId = await ctx.db.transaction().execute(async (trx) => {
      await ensureDefaultPlans(trx, [{ id: row.id, uin: row.uin }], row.created_at);
      const plans = await listPlans(trx, row.id);
      if (plans.some((p) => p.plan_name === name)) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Instance ${row.id} already has a backup plan named "${name}".`);
      const base = plans.find((p) => p.plan_type === 'default')!;
      const id = uuidV5(`pgcloud:${row.id}:${name}:${randomUUID()}`);
      await insertPlan(trx, {
        plan_id: id, instance_id: row.id, uin: row.uin, plan_name: name, plan_type: 'custom', period_type: 'month', periods: JSON.stringify(periods),
        min_start: req.MinBackupStartTime !== undefined ? checkTimeOfDay(req.MinBackupStartTime, 'MinBackupStartTime') : base.min_start,
        max_start: req.MaxBackupStartTime !== undefined ? checkTimeOfDay(req.MaxBackupStartTime, 'MaxBackupStartTime') : base.max_start,
        base_retention_days: retention, log_retention_days: base.log_retention_days, backup_method: 'physical', last_run_day: null,
        created_at: nowIso, updated_at: nowIso,
      });
      return id;
    });
    return { PlanId: planId };
  },
});
