// DescribeMaintainTimeWindow: the instance's maintenance window (default 03:00 for 1 hour, every day).
import { defineAction } from '../../../core/action.ts';
import { findInstance } from '../lifecycle.ts';

export default defineAction<{ DBInstanceId: string }, { DBInstanceId: string; MaintainStartTime: string; MaintainDuration: number; MaintainWeekDays: string[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeMaintainTimeWindow',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    return {
      DBInstanceId: row.id,
      MaintainStartTime: row.maintain_start,
      MaintainDuration: row.maintain_duration,
      MaintainWeekDays: JSON.parse(row.maintain_weekdays) as string[],
    };
  },
});
