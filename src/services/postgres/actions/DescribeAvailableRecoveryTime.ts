// DescribeAvailableRecoveryTime: the window CloneDBInstance RecoveryTargetTime may be in: from the
// moment the instance's oldest base backup is consistent to now (archiving goes on meanwhile).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { formatApiTime } from '../../../core/time.ts';
import { findInstance } from '../lifecycle.ts';
import { recoveryWindow } from '../backups.ts';

export default defineAction<{ DBInstanceId: string }, { RecoveryBeginTime: string; RecoveryEndTime: string }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeAvailableRecoveryTime',
  request: { DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' } },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const w = await recoveryWindow(ctx, row);
    if (!w) throw new ApiError('FailedOperation.FailedOperationError', `Instance ${row.id} has no finished base backup yet, so there is no time it can be restored to; CreateBaseBackup takes one.`);
    return { RecoveryBeginTime: formatApiTime(w.begin), RecoveryEndTime: formatApiTime(w.end) };
  },
});
