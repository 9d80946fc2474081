// A data directory made from a base backup (CloneDBInstance): restoreData copies the backup's files
// and stages the archived WAL it needs beside the data directory (<instance>/restore-wal, the instance
// user's own: the source's archive is not readable by it), then the server starts in archive recovery
// up to the target (recovery_target_time, or the backup's consistent point: 'immediate') and promotes
// itself (recovery_target_action = promote, timeline 'latest' so a failover's history is followed).
// restoreFinish waits for that promotion and removes the staged WAL. While <instance>/restore-wal
// exists the instance is restoring: a restart meanwhile simply resumes the recovery.
import fs from 'node:fs';
import path from 'node:path';
import { ensureDir } from '../files.ts';
import { copyTree, isStandbyData } from '../replication.ts';
import { readManifest, stageRestoreWal } from '../backup.ts';
import { findPostmaster } from '../process.ts';
import { dataVersion } from './data-directory.ts';
import type { Converge, Step } from './context.ts';

const RESTORE_TIMEOUT_MS = 30 * 60_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const q = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
const sh = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The instance is being restored from a backup and not yet promoted (see restoreFinish). */
export const isRestoring = (instanceDir: string): boolean => fs.existsSync(path.join(instanceDir, 'restore-wal'));

const restoreWal = (c: Converge) => path.join(c.paths.dir, 'restore-wal');
const recovering = (data: string) => fs.existsSync(path.join(data, 'recovery.signal')) || fs.existsSync(path.join(data, 'recovery.conf'));

/** A timestamptz as the recovery_target_time setting reads it (no ISO "T"/"Z"). */
const pgTimestamp = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '+00');

/** The recovery settings of a restore (pgcloud.conf on 12+, recovery.conf before). */
function recoverySettings(c: Converge): Record<string, string> {
  const r = c.spec.restore!;
  return {
    restore_command: `cp ${sh(restoreWal(c) + '/')}%f "%p"`,
    ...(r.targetTime ? { recovery_target_time: pgTimestamp(new Date(r.targetTime)) } : { recovery_target: 'immediate' }),
    recovery_target_action: 'promote',
    recovery_target_timeline: 'latest',
  };
}

export const restoreData: Step = {
  name: 'restore data',
  async run(c, engine) {
    const { spec, paths: p, runAs } = c;
    // A standby is made from its primary (standbyData), never from the backup.
    if (!spec.restore || spec.replication?.role === 'standby') return;
    if (dataVersion(p.data) !== undefined) {
      // Restoring still (a restart during recovery): its settings stay until it is promoted.
      if (fs.existsSync(restoreWal(c)) && Number(spec.major) >= 12 && recovering(p.data)) Object.assign(c.conf, recoverySettings(c));
      return;
    }
    if (fs.existsSync(p.data)) return; // not a data directory: `data directory` says so
    const t = performance.now();
    const { store, backup } = spec.restore;
    const manifest = readManifest(engine.layout, store, backup);
    ensureDir(p.dir, 0o700, runAs.chown);
    await fs.promises.rm(restoreWal(c), { recursive: true, force: true });
    await stageRestoreWal(engine.layout, store, manifest.startWal, restoreWal(c), runAs.chown);
    const tmp = `${p.data}.restoring`;
    await fs.promises.rm(tmp, { recursive: true, force: true });
    await copyTree(path.join(engine.layout.backupStore(store).base, backup, 'data'), tmp, false, runAs.chown);
    // A backup of a standby or an HA node carries no signal; the restore is a primary's recovery.
    for (const f of ['standby.signal', 'recovery.signal', 'recovery.conf', 'postmaster.pid']) fs.rmSync(path.join(tmp, f), { force: true });
    const settings = recoverySettings(c);
    const file = Number(spec.major) >= 12 ? 'recovery.signal' : 'recovery.conf';
    const text = Number(spec.major) >= 12 ? '' : `# Managed by pgcloud: a restore.\n${Object.entries(settings).map(([k, v]) => `${k} = ${q(v)}\n`).join('')}`;
    fs.writeFileSync(path.join(tmp, file), text, { mode: 0o600 });
    runAs.chown(path.join(tmp, file));
    fs.renameSync(tmp, p.data);
    if (Number(spec.major) >= 12) Object.assign(c.conf, settings);
    c.lap('restoreCopyMs', t);
    engine.log.info({ id: spec.id, store, backup, target: spec.restore.targetTime ?? 'backup end' }, 'data directory made from a base backup; recovering');
    c.version = spec.major;
    c.made = true;
    c.known.roleKey = undefined;
  },
};

export const restoreFinish: Step = {
  name: 'restore finish',
  async run(c, engine) {
    const { spec, paths: p } = c;
    if (!spec.restore || spec.replication?.role === 'standby' || !fs.existsSync(restoreWal(c))) return;
    const t = performance.now();
    const deadline = Date.now() + RESTORE_TIMEOUT_MS;
    for (;;) {
      const pm = findPostmaster(p.data);
      if (!pm) throw new Error('the server exited during recovery from its backup (see its server.log)');
      if (pm.status === 'ready' && !recovering(p.data) && !isStandbyData(p.data)) break;
      if (Date.now() > deadline) throw new Error('recovery from the backup did not end within 30 min');
      await sleep(20);
    }
    await fs.promises.rm(restoreWal(c), { recursive: true, force: true });
    c.lap('recoveryMs', t);
    engine.log.info({ id: spec.id }, 'restored instance recovered to its target and promoted');
  },
};
