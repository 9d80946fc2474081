// ModifyBaseBackupExpireTime: a finished backup set's expiry (Beijing time, after now).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findInstance } from '../lifecycle.ts';
import { findBaseBackup, updateBaseBackup } from '../../../store/baseBackups.ts';
import { parseApiTime } from '../backups.ts';

export default defineAction<{ DBInstanceId: string; BaseBackupId: string; NewExpireTime: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyBaseBackupExpireTime',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    BaseBackupId: { type: 'string', required: true, description: 'Base backup ID (DescribeBaseBackups).' },
    NewExpireTime: { type: 'string', required: true, description: 'New expiry time, e.g. 2024-08-23 00:00:00 (Beijing time).' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const b = await findBaseBackup(ctx.db, req.BaseBackupId);
    if (!b || b.instance_id !== row.id || b.state === 'deleting')
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `BaseBackupId "${req.BaseBackupId}" is not a backup set of instance ${row.id}; see DescribeBaseBackups.`);
    if (b.state !== 'finished') throw new ApiError('FailedOperation.FailedOperationError', `Backup set ${b.id} is ${b.state}; only a finished backup set has an expiry.`);
    const t = parseApiTime(req.NewExpireTime, 'NewExpireTime');
    const now = ctx.clock.now();
    if (t <= now) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `NewExpireTime ${req.NewExpireTime} must be later than now.`);
    await updateBaseBackup(ctx.db, b.id, { expire_time: t.toISOString(), updated_at: now.toISOString() });
    return {};
  },
});
