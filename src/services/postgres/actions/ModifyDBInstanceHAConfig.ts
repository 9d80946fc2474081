// ModifyDBInstanceHAConfig: SyncMode and the lag limits of an instance with a standby. The reconciler
// applies SyncMode on the primary (synchronous_standby_names, by a reload) through the generation.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { changeInstance } from '../../../store/lifecycle.ts';
import { findInstance, requireStatus, SETTLED, statusDenied } from '../lifecycle.ts';
import { haOf, type HaState, type SyncMode } from '../../../store/ha.ts';

interface Request {
  DBInstanceId: string;
  SyncMode: string;
  MaxStandbyLatency: number;
  MaxStandbyLag: number;
  MaxSyncStandbyLatency?: number;
  MaxSyncStandbyLag?: number;
}

const bad = (msg: string) => new ApiError('InvalidParameterValue.InvalidParameterValueError', msg);

export default defineAction<Request, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDBInstanceHAConfig',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    SyncMode: { type: 'string', required: true, description: 'Semi-sync or Async.' },
    MaxStandbyLatency: { type: 'integer', required: true, description: 'Failover: bytes the standby may be behind, 1073741824-322122547200.' },
    MaxStandbyLag: { type: 'integer', required: true, description: 'Failover: seconds the standby may be behind, 5-10.' },
    MaxSyncStandbyLatency: { type: 'integer', description: 'Semi-sync: bytes behind past which replication becomes asynchronous.' },
    MaxSyncStandbyLag: { type: 'integer', description: 'Semi-sync: seconds behind past which replication becomes asynchronous.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const ha = haOf(row);
    if (!ha) throw new ApiError('OperationDenied.InstanceStatusLimitOpError', `Instance ${row.id} has no standby node: it has no high-availability settings to change.`);
    requireStatus(row, SETTLED, 'ModifyDBInstanceHAConfig');
    if (req.SyncMode !== 'Semi-sync' && req.SyncMode !== 'Async') throw bad(`SyncMode "${req.SyncMode}" is invalid; valid values: Semi-sync, Async.`);
    if (req.MaxStandbyLatency < 1073741824 || req.MaxStandbyLatency > 322122547200) throw bad('MaxStandbyLatency must be between 1073741824 and 322122547200 bytes.');
    if (req.MaxStandbyLag < 5 || req.MaxStandbyLag > 10) throw bad('MaxStandbyLag must be between 5 and 10 seconds.');
    const semi = req.SyncMode === 'Semi-sync';
    if (!semi && (req.MaxSyncStandbyLatency !== undefined || req.MaxSyncStandbyLag !== undefined))
      throw bad('MaxSyncStandbyLatency and MaxSyncStandbyLag apply to SyncMode Semi-sync only.');
    if (req.MaxSyncStandbyLatency !== undefined && req.MaxSyncStandbyLatency < 0) throw bad('MaxSyncStandbyLatency must not be negative.');
    if (req.MaxSyncStandbyLag !== undefined && req.MaxSyncStandbyLag < 1) throw bad('MaxSyncStandbyLag must be at least 1 second.');
    const next: HaState = {
      ...ha,
      syncMode: req.SyncMode as SyncMode,
      maxStandbyLatency: req.MaxStandbyLatency,
      maxStandbyLag: req.MaxStandbyLag,
      maxSyncStandbyLatency: semi ? (req.MaxSyncStandbyLatency ?? null) : null,
      maxSyncStandbyLag: semi ? (req.MaxSyncStandbyLag ?? null) : null,
    };
    const gen = await changeInstance(ctx.db, row.id, SETTLED, { ha: JSON.stringify(next), updated_at: ctx.clock.now().toISOString() });
    if (gen === undefined) throw statusDenied(row, 'ModifyDBInstanceHAConfig');
    ctx.wakeReconciler();
    return {};
  },
});
