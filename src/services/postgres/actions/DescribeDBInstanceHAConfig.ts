// DescribeDBInstanceHAConfig: the instance's SyncMode and lag limits (src/reconciler/ha.ts). A
// single-node instance reports the settings it would get with a standby: Semi-sync and the defaults.
// SyncState (pgcloud's, beside the vendor's fields; clients ignore fields they do not know) says what
// commits do now: "Sync" when they wait for the standby, "Async" when they do not (SyncMode Async, a
// Semi-sync instance fallen back while its standby is gone or catching up, or no standby).
import { defineAction } from '../../../core/action.ts';
import { findInstance } from '../lifecycle.ts';
import { HA_DEFAULTS, haOf } from '../../../store/ha.ts';

type Response = {
  SyncMode: string;
  MaxStandbyLatency: number;
  MaxStandbyLag: number;
  MaxSyncStandbyLatency: number | null;
  MaxSyncStandbyLag: number | null;
  SyncState: 'Sync' | 'Async';
};

export default defineAction<{ DBInstanceId: string }, Response>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDBInstanceHAConfig',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const ha = haOf(row);
    const semi = (ha?.syncMode ?? 'Semi-sync') === 'Semi-sync';
    return {
      SyncMode: ha?.syncMode ?? 'Semi-sync',
      MaxStandbyLatency: ha?.maxStandbyLatency ?? HA_DEFAULTS.maxStandbyLatency,
      MaxStandbyLag: ha?.maxStandbyLag ?? HA_DEFAULTS.maxStandbyLag,
      // Null for Async, and for Semi-sync without limits of its own (pgcloud's fallback time applies).
      MaxSyncStandbyLatency: semi ? (ha?.maxSyncStandbyLatency ?? null) : null,
      MaxSyncStandbyLag: semi ? (ha?.maxSyncStandbyLag ?? null) : null,
      SyncState: ha && semi && row.sync_state === 'sync' ? 'Sync' : 'Async',
    };
  },
});
