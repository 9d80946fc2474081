// High availability as the store keeps it: instances.ha holds an HaState (JSON) for an instance with a
// standby, null for a single-node one. Pure helpers over it, for the actions and the reconciler
// (src/reconciler/ha.ts drives the servers).
import type { InstanceRow } from './instances.ts';

export type SyncMode = 'Semi-sync' | 'Async';

export interface HaState {
  syncMode: SyncMode;
  /** Failover limits: bytes and seconds the standby may be behind. */
  maxStandbyLatency: number;
  maxStandbyLag: number;
  /** Semi-sync fallback limits (unset: pgcloud's fallback time). */
  maxSyncStandbyLatency?: number | null;
  maxSyncStandbyLag?: number | null;
  /** Which node is primary. */
  primary: 0 | 1;
  /** Each node's own address (assigned by the reconciler) and zone. */
  nodes: Array<{ host: string | null; zone: string }>;
  /** A planned switchover (SwitchDBInstancePrimary) is pending. */
  switchover?: boolean;
  /** SwitchDBInstancePrimary Force: switch even when the standby is behind. */
  force?: boolean;
}

export const HA_DEFAULTS = { maxStandbyLatency: 1073741824, maxStandbyLag: 10 };

export const haOf = (row: Pick<InstanceRow, 'ha'>): HaState | undefined => (row.ha ? (JSON.parse(row.ha) as HaState) : undefined);
export const nodeEngineId = (id: string, node: number): string => (node === 0 ? id : `${id}.${node}`);
/** The engine id of the instance's primary server (the instance id itself for a single-node instance). */
export const primaryEngineId = (row: Pick<InstanceRow, 'id' | 'ha'>): string => {
  const ha = haOf(row);
  return ha ? nodeEngineId(row.id, ha.primary) : row.id;
};
export const engineIds = (row: Pick<InstanceRow, 'id' | 'ha'>): string[] => (haOf(row) ? [row.id, nodeEngineId(row.id, 1)] : [row.id]);

/** The DBNodeSet of an HA state: the primary first. */
export function nodeSetOf(ha: HaState): string {
  const p = ha.primary;
  const s = 1 - p;
  return JSON.stringify([
    { Role: 'Primary', Zone: ha.nodes[p]!.zone, DedicatedClusterId: '' },
    { Role: 'Standby', Zone: ha.nodes[s]!.zone, DedicatedClusterId: '' },
  ]);
}

/** Semi-sync: commits wait for the standby ('sync') or not ('async'). */
export type SyncState = 'sync' | 'async';
