// The tenant's parameters on their way to the server, and the server's settings on their way back.
import type { Engine, InstanceSpec } from '../engine/types.ts';
import type { InstanceRow } from '../store/instances.ts';
import type { Store } from '../store/db.ts';
import type { Clock } from '../core/time.ts';
import { parametersFor } from '../core/catalog/parameters.ts';
import { saveSettings } from '../store/parameters.ts';
import { primaryEngineId } from './ha.ts';

/**
 * The tenant's parameters split as the engine wants them: reloadable ones (pgcloud.conf, a reload) and
 * restart-only ones (NeedReboot: the postmaster's command line, so a change restarts the server). Every
 * value was checked by the action that stored it (src/core/catalog/parameters.ts checkValue).
 * A restart-only change takes effect at once. Waiting for the maintenance window instead (the day-2
 * maintenance work: SwitchTag, ModifyMaintainTimeWindow) belongs here: hold the changed startSettings
 * back (keep the ones the server runs with) until the window opens.
 */
export function parameterSettings(row: InstanceRow): Pick<InstanceSpec, 'settings' | 'startSettings'> {
  const chosen = JSON.parse(row.parameters || '{}') as Record<string, string>;
  const settings: Record<string, string> = {};
  const startSettings: Record<string, string> = {};
  for (const p of parametersFor(row.db_major_version)) {
    const v = chosen[p.name];
    if (v === undefined) continue;
    (p.needReboot ? startSettings : settings)[p.name] = v;
  }
  return { settings, startSettings };
}

/**
 * Reads the settings the instance's (primary) server runs with and stores them, so that
 * DescribeDBInstanceParameters answers what the server really has. Called once a reconcile has the
 * server up with its spec, before the parameter events are marked done.
 */
export async function recordSettings(deps: { db: Store; engine: Engine; clock: Clock }, row: InstanceRow): Promise<void> {
  const { settings, startedAt } = await deps.engine.settings(primaryEngineId(row));
  const values = Object.fromEntries(settings.map((s) => [s.name.toLowerCase(), s.setting]));
  await saveSettings(deps.db, row.id, values, startedAt.toISOString(), deps.clock.now().toISOString());
}
