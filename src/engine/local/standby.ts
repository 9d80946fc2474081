// A new standby made from the template instead of a base backup. A cleanly shut-down cluster is a
// valid cold backup of itself: a copy of the template, started as a standby, replays from the
// template's shutdown checkpoint onward. That is right for a primary only when the primary is itself
// a copy of the template (same system identifier, same timeline) and every WAL record it wrote since
// that checkpoint is still there and stays there: its slot for the standby reserves WAL from at or
// before the checkpoint. Any doubt and the caller takes a base backup.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { superuserClient } from './roles.ts';
import { createMissingSlots } from './replication.ts';

export interface ControlInfo {
  systemIdentifier: bigint;
  /** Redo LSN of the last checkpoint, as PostgreSQL prints it (X/Y). */
  redo: string;
  timeline: number;
}

const DB_SHUTDOWNED = 1;
const lsnText = (v: bigint) => `${(v >> 32n).toString(16).toUpperCase()}/${(v & 0xffffffffn).toString(16).toUpperCase()}`;

/**
 * The checkpoint of a cleanly shut-down cluster, from global/pg_control (x86-64 layout; PostgreSQL 10
 * still had prevCheckPoint before checkPointCopy). Undefined when not shut down cleanly or not understood.
 */
export function shutdownCheckpoint(dataDir: string): ControlInfo | undefined {
  let b: Buffer;
  try {
    b = fs.readFileSync(path.join(dataDir, 'global', 'pg_control'));
  } catch {
    return undefined;
  }
  if (b.length < 64) return undefined;
  const version = b.readUInt32LE(8);
  if (version < 1002 || version > 1999) return undefined;
  if (b.readInt32LE(16) !== DB_SHUTDOWNED) return undefined;
  const checkPoint = b.readBigUInt64LE(32);
  const copy = version < 1100 ? 48 : 40;
  const redo = b.readBigUInt64LE(copy);
  // A shutdown checkpoint's redo is the record itself: also a check that the layout was read right.
  if (redo !== checkPoint || redo === 0n) return undefined;
  return { systemIdentifier: b.readBigUInt64LE(0), redo: lsnText(redo), timeline: b.readUInt32LE(copy + 8) };
}

/**
 * Whether a standby copied from the template whose checkpoint is tpl can follow the primary on sock:port.
 * Creates the standby's slot when missing (reserving WAL at once, as the base backup does).
 */
export async function templateFitsPrimary(tpl: ControlInfo, sock: string, port: number, slot: string, log: Logger): Promise<boolean> {
  const client = await superuserClient(sock, port);
  try {
    await createMissingSlots(client, [slot]);
    const { rows } = await client.query(
      `SELECT (SELECT system_identifier FROM pg_control_system())::text AS sysid,
              pg_is_in_recovery() AS recovery,
              CASE WHEN pg_is_in_recovery() THEN NULL ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS tli,
              (SELECT restart_lsn <= $2::pg_lsn FROM pg_replication_slots WHERE slot_name = $1 AND slot_type = 'physical') AS reserved`,
      [slot, tpl.redo],
    );
    const r = rows[0];
    const fits = !r.recovery && r.sysid === tpl.systemIdentifier.toString() && r.tli === tpl.timeline && r.reserved === true;
    if (!fits) log.info({ slot, primary: r, template: { ...tpl, systemIdentifier: tpl.systemIdentifier.toString() } }, 'the standby is made from a base backup: the template does not fit its primary');
    return fits;
  } finally {
    await client.end().catch(() => {});
  }
}
