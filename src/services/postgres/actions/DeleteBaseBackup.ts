// DeleteBaseBackup: the backup set leaves the catalogue at once (state "deleting", listed no more) and
// the backup runner removes its files. Refused while it is being taken or a clone is being restored
// from it; an automatic backup set younger than 7 days may not be deleted (the SDK's model says so).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findInstance } from '../lifecycle.ts';
import { findBaseBackup, updateBaseBackup } from '../../../store/baseBackups.ts';

export default defineAction<{ DBInstanceId: string; BaseBackupId: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DeleteBaseBackup',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    BaseBackupId: { type: 'string', required: true, description: 'Base backup ID (DescribeBaseBackups).' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const b = await findBaseBackup(ctx.db, req.BaseBackupId);
    if (!b || b.instance_id !== row.id || b.state === 'deleting')
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `BaseBackupId "${req.BaseBackupId}" is not a backup set of instance ${row.id}; see DescribeBaseBackups.`);
    if (b.state === 'running' || b.state === 'init') throw new ApiError('FailedOperation.FailedOperationError', `Backup set ${b.id} is still being taken; delete it once it has finished.`);
    const now = ctx.clock.now();
    if (b.mode === 'automatic' && now.getTime() - Date.parse(b.created_at) < 7 * 86_400_000)
      throw new ApiError('FailedOperation.FailedOperationError', `Backup set ${b.id} is an automatic backup younger than 7 days, which cannot be deleted.`);
    const restoring = await ctx.db
      .selectFrom('instances')
      .select('id')
      .where('restore_backup', '=', b.id)
      .where('status', 'in', ['applying', 'initing'])
      .where('desired_state', '=', 'running')
      .executeTakeFirst();
    if (restoring) throw new ApiError('FailedOperation.FailedOperationError', `Instance ${restoring.id} is being restored from backup set ${b.id}; delete it once that clone is running.`);
    await updateBaseBackup(ctx.db, b.id, { state: 'deleting', updated_at: now.toISOString() });
    return {};
  },
});
