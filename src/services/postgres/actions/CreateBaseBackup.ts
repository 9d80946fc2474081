// CreateBaseBackup: asks for a physical base backup of the instance now; the backup runner takes it
// (src/reconciler/backups.ts) and DescribeBaseBackups follows its State (running → finished | failed).
import { randomUUID } from 'node:crypto';
import { uuidV5 } from '../../../store/backupPlans.ts';
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findInstance, requireStatus, SETTLED } from '../lifecycle.ts';
import { insertBaseBackup } from '../../../store/baseBackups.ts';

interface Request {
  DBInstanceId: string;
  BackupMethod?: string;
}

/** "20240823143005" of a time in Beijing time, for backup names. */
const stamp = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '');

export default defineAction<Request, { BaseBackupId: string }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'CreateBaseBackup',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    BackupMethod: { type: 'string', description: 'physical (default); logical and snapshot are not offered.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const method = req.BackupMethod ?? 'physical';
    if (!['physical', 'logical', 'snapshot'].includes(method))
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `BackupMethod "${method}" is invalid; valid values: physical, logical, snapshot.`);
    if (method !== 'physical') throw new ApiError('UnsupportedOperation', `BackupMethod ${method} is not supported by pgcloud yet; physical backups are.`);
    requireStatus(row, SETTLED, 'CreateBaseBackup');
    if (row.tde === 1) throw new ApiError('UnsupportedOperation', 'Backups of instances with transparent data encryption are not supported by pgcloud yet (the backup store would hold their data in clear).');
    const running = await ctx.db.selectFrom('base_backups').select('id').where('instance_id', '=', row.id).where('state', 'in', ['init', 'running']).executeTakeFirst();
    if (running) throw new ApiError('FailedOperation.FailedOperationError', `Instance ${row.id} already has backup ${running.id} in progress; wait until it finishes.`);
    const now = ctx.clock.now();
    const id = uuidV5(`pgcloud:${row.id}:base:${randomUUID()}`);
    await insertBaseBackup(ctx.db, {
      id, instance_id: row.id, uin: row.uin, name: `${row.id}_${stamp(now)}_base`, method, mode: 'manual', state: 'running',
      size: 0, file_count: 0, start_time: null, finish_time: null, expire_time: null, start_lsn: null, stop_lsn: null, timeline: null,
      start_wal: null, manifest_sha256: null, attempts: 0, error: null, created_at: now.toISOString(), updated_at: now.toISOString(),
    });
    return { BaseBackupId: id };
  },
});
