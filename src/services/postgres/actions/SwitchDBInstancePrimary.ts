// SwitchDBInstancePrimary: a planned switchover to the standby without losing data ("switching" →
// "running"): the primary stops cleanly after sending all its WAL to the standby, the standby is
// promoted and takes the instance's address, and the old primary is rebuilt as the new standby.
// Without Force the standby must be streaming (caught up); only SwitchTag 0 (now) is supported.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { changeInstance, insertTask } from '../../../store/lifecycle.ts';
import { findInstance, requireStatus, SETTLED, statusDenied } from '../lifecycle.ts';
import { haOf } from '../../../store/ha.ts';

interface Request {
  DBInstanceId: string;
  Force?: boolean;
  SwitchTag?: number;
  SwitchStartTime?: string;
  SwitchEndTime?: string;
}

export default defineAction<Request, { TaskId: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'SwitchDBInstancePrimary',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    Force: { type: 'boolean', description: 'Switch even when the standby is behind.' },
    SwitchTag: { type: 'integer', description: '0: now (the only one supported), 1: at a time, 2: in the maintenance window.' },
    SwitchStartTime: { type: 'string', description: 'Earliest switch time, HH:MM:SS (SwitchTag 1).' },
    SwitchEndTime: { type: 'string', description: 'Latest switch time, HH:MM:SS (SwitchTag 1).' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const ha = haOf(row);
    if (!ha) throw new ApiError('OperationDenied.InstanceStatusLimitOpError', `Instance ${row.id} has no standby node to switch to.`);
    if ((req.SwitchTag ?? 0) !== 0) throw new ApiError('UnsupportedOperation', 'Only SwitchTag 0 (switch now) is supported by pgcloud.');
    requireStatus(row, SETTLED, 'SwitchDBInstancePrimary');
    const now = ctx.clock.now().toISOString();
    const taskId = await ctx.db.transaction().execute(async (trx) => {
      const next = { ...ha, switchover: true, force: Boolean(req.Force) };
      const gen = await changeInstance(trx, row.id, SETTLED, { status: 'switching', ha: JSON.stringify(next), updated_at: now });
      if (gen === undefined) throw statusDenied(row, 'SwitchDBInstancePrimary');
      return insertTask(trx, { uin: ctx.account.uin, instanceId: row.id, type: 'SwitchDBInstancePrimary', generation: gen, input: { DBInstanceId: row.id, Force: Boolean(req.Force) }, now });
    });
    ctx.wakeReconciler();
    return { TaskId: taskId };
  },
});
