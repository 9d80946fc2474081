// DescribeTasks: the flows started by RestartDBInstance, ModifyDBInstanceSpec and
// ModifyDBInstanceParameters (TaskId = the FlowId/TaskId those returned).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { formatApiTime } from '../../../core/time.ts';
import { findTasks } from '../../../store/lifecycle.ts';
import { pageOf } from '../paging.ts';

interface Request {
  TaskId?: number;
  DBInstanceId?: string;
  MinStartTime?: string;
  MaxStartTime?: string;
  Limit?: number;
  Offset?: number;
  OrderBy?: string;
  OrderByType?: string;
}

/** "2024-08-23 00:00:00" in Beijing time → ISO UTC. */
function parseApiTime(v: string, field: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(v);
  const d = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `${field} "${v}" is not a time like 2024-08-23 00:00:00.`);
  return d.toISOString();
}

export default defineAction<Request, { TotalCount: number; TaskSet: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeTasks',
  request: {
    TaskId: { type: 'integer', description: 'Task ID (= FlowId).' },
    DBInstanceId: { type: 'string', description: 'Instance ID.' },
    MinStartTime: { type: 'string', description: 'Earliest start time, e.g. 2024-08-23 00:00:00.' },
    MaxStartTime: { type: 'string', description: 'Latest start time.' },
    Limit: { type: 'integer', description: '1-100, default 20.' },
    Offset: { type: 'integer', description: 'From 0.' },
    OrderBy: { type: 'string', description: 'StartTime (default) or EndTime.' },
    OrderByType: { type: 'string', description: 'asc or desc (default).' },
  },
  async handle(ctx, req) {
    const { limit, offset } = pageOf(req, { default: 20, max: 100 });
    const orderBy = req.OrderBy ?? 'StartTime';
    if (orderBy !== 'StartTime' && orderBy !== 'EndTime') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderBy "${orderBy}" is invalid; valid values: StartTime, EndTime.`);
    const dir = (req.OrderByType ?? 'desc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderByType "${req.OrderByType}" is invalid; valid values: asc, desc.`);
    const { total, rows } = await findTasks(ctx.db, {
      uin: ctx.account.uin,
      taskId: req.TaskId,
      instanceId: req.DBInstanceId || undefined,
      minStart: req.MinStartTime ? parseApiTime(req.MinStartTime, 'MinStartTime') : new Date(ctx.clock.now().getTime() - 180 * 86400_000).toISOString(),
      maxStart: req.MaxStartTime ? parseApiTime(req.MaxStartTime, 'MaxStartTime') : undefined,
      orderBy: orderBy === 'StartTime' ? 'started_at' : 'ended_at',
      desc: dir === 'desc',
      limit,
      offset,
    });
    return {
      TotalCount: total,
      TaskSet: rows.map((t) => ({
        TaskId: t.id,
        TaskType: t.type,
        DBInstanceId: t.instance_id,
        StartTime: formatApiTime(t.started_at),
        EndTime: formatApiTime(t.ended_at),
        Status: t.status,
        Progress: t.progress,
        TaskDetail: {
          CurrentStep: t.status === 'Running' ? 'Running' : 'Done',
          AllSteps: 'Running,Done',
          Input: t.input,
          Output: '',
          SwitchTag: 0,
          SwitchTime: '',
          Message: t.message,
        },
      })),
    };
  },
});
