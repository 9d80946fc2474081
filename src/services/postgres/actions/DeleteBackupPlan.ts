// DeleteBackupPlan: removes a custom plan (the default plan stays: every instance has one). Backups the
// plan already made are kept until they expire.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findInstance } from '../lifecycle.ts';
import { deletePlan, listPlans } from '../../../store/backupPlans.ts';
import { requirePlansEditable } from '../backupPlans.ts';

export default defineAction<{ DBInstanceId: string; PlanId: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DeleteBackupPlan',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    PlanId: { type: 'string', required: true, description: 'ID of the plan to delete (DescribeBackupPlans).' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    requirePlansEditable(row, 'DeleteBackupPlan');
    const plan = (await listPlans(ctx.db, row.id)).find((p) => p.plan_id === req.PlanId);
    if (!plan) throw new ApiError('InvalidParameter.ParameterCheckError', `Instance ${row.id} has no backup plan ${req.PlanId}; see DescribeBackupPlans.`);
    if (plan.plan_type === 'default')
      throw new ApiError('InvalidParameter.ParameterCheckError', `Plan ${plan.plan_id} is the instance's default backup plan, which cannot be deleted; change it with ModifyBackupPlan.`);
    await deletePlan(ctx.db, plan.plan_id);
    return {};
  },
});
