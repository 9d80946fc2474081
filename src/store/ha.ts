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
/** What names an instance's servers: a read-only instance is node ro_node of its master (its OS user, its socket peers). */
type EngineRef = Pick<InstanceRow, 'id' | 'ha'> & Partial<Pick<InstanceRow, 'master_id' | 'ro_node'>>;
/** A read-only instance's server: `<master>.<ro_node>` (nodes 0 and 1 are the master's HA nodes). */
export const readOnlyEngineId = (row: EngineRef): string | undefined => (row.master_id && row.ro_node ? nodeEngineId(row.master_id, row.ro_node) : undefined);
/** The engine id of the instance's primary server (the instance id itself for a single-node instance; a read-only instance's own server). */
export const primaryEngineId = (row: EngineRef): string => {
  const ro = readOnlyEngineId(row);
  if (ro) return ro;
  const ha = haOf(row);
  return ha ? nodeEngineId(row.id, ha.primary) : row.id;
};
export const engineIds = (row: EngineRef): string[] => {
  const ro = readOnlyEngineId(row);
  if (ro) return [ro];
  return haOf(row) ? [row.id, nodeEngineId(row.id, 1)] : [row.id];
};

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
