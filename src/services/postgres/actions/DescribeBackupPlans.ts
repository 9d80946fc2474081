// DescribeBackupPlans: the instance's backup plans, its default (weekly) plan first, then custom ones.
import { defineAction } from '../../../core/action.ts';
import { findInstance } from '../lifecycle.ts';
import { ensureDefaultPlans, listPlans } from '../../../store/backupPlans.ts';
import { backupPlanView } from '../backupPlans.ts';

export default defineAction<{ DBInstanceId: string }, { Plans: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeBackupPlans',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    // Every instance has its default plan from its creation; one made by a path that did not add it gets it now.
    await ensureDefaultPlans(ctx.db, [{ id: row.id, uin: row.uin }], row.created_at);
    const plans = await listPlans(ctx.db, row.id);
    plans.sort((a, b) => Number(b.plan_type === 'default') - Number(a.plan_type === 'default'));
    return { Plans: plans.map(backupPlanView) };
  },
});
