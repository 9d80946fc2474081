// ModifyMaintainTimeWindow: changes what is given of the window (start HH:MM Beijing time, 1-4 hours,
// weekdays); the rest stays.
import { defineAction } from '../../../core/action.ts';
import { findInstance } from '../lifecycle.ts';
import { checkDuration, checkStartTime, checkWeekDays } from '../maintenance.ts';

interface Request {
  DBInstanceId: string;
  MaintainStartTime?: string;
  MaintainDuration?: number;
  MaintainWeekDays?: string[];
}

export default defineAction<Request, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyMaintainTimeWindow',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    MaintainStartTime: { type: 'string', description: 'Start, HH:MM, Beijing time (UTC+8).' },
    MaintainDuration: { type: 'integer', description: 'Hours, 1 to 4.' },
    MaintainWeekDays: { type: { array: 'string' }, description: 'Weekdays: monday ... sunday.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const set: { maintain_start?: string; maintain_duration?: number; maintain_weekdays?: string; updated_at: string } = { updated_at: ctx.clock.now().toISOString() };
    if (req.MaintainStartTime !== undefined) set.maintain_start = checkStartTime(req.MaintainStartTime);
    if (req.MaintainDuration !== undefined) set.maintain_duration = checkDuration(req.MaintainDuration);
    if (req.MaintainWeekDays !== undefined) set.maintain_weekdays = JSON.stringify(checkWeekDays(req.MaintainWeekDays));
    await ctx.db.updateTable('instances').set(set).where('id', '=', row.id).execute();
    return {};
  },
});
