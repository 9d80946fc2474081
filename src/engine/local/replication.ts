// Physical streaming replication between servers of the local engine, with only the binaries we ship
// (postgres, initdb, pg_ctl; no pg_basebackup):
// - a base backup through the low-level backup API over the bootstrap superuser's socket
//   (pg_backup_start/pg_backup_stop on 15+, pg_start_backup/pg_stop_backup(false) before), the data
//   directory's files copied meanwhile (server-private and regenerated files left out), backup_label
//   and tablespace_map written from the stop call's result;
// - the standby's configuration: standby.signal + primary_conninfo/primary_slot_name (12+), or
//   recovery.conf (10, 11); it streams over the primary's Unix socket as the bootstrap superuser
//   (pg_hba.conf: `local replication` for it), from a physical replication slot on the primary;
// - promotion as pg_ctl does it: a "promote" file in the data directory and SIGUSR1 to the postmaster.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ReplicaState } from '../types.ts';
import type { RunAs } from './runas.ts';
import { BOOTSTRAP_USER } from './config.ts';
import { superuserClient } from './roles.ts';
import { findPostmaster } from './process.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The data directory is a standby's (it starts in recovery and follows a primary). */
export function isStandbyData(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'standby.signal')) || fs.existsSync(path.join(dataDir, 'recovery.conf'));
}

/** primary_conninfo of a standby streaming from the server whose socket is upstreamSock:port. */
export function conninfo(upstreamSock: string, port: number, name: string): string {
  const v = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  return `host=${v(upstreamSock)} port=${port} user=${BOOTSTRAP_USER} application_name=${v(name)}`;
}

/** recovery.conf of a standby on PostgreSQL 10 and 11. */
export function recoveryConf(info: string, slot: string): string {
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  return (
    '# Managed by pgcloud: this server is a standby.\n' +
    `standby_mode = 'on'\nprimary_conninfo = ${q(info)}\nprimary_slot_name = ${q(slot)}\nrecovery_target_timeline = 'latest'\n`
  );
}

/** Top-level entries never copied, and directories copied empty (pg_basebackup's list). */
const SKIP_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'standby.signal', 'recovery.signal', 'recovery.conf', 'recovery.done', 'promote', 'fallback_promote', 'backup_label.old', 'current_logfiles']);
const EMPTY_DIRS = new Set(['pg_wal', 'pg_replslot', 'pg_stat_tmp', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_subtrans']);

/** Copies src into dst (made here), skipping what a base backup leaves out; files that vanish meanwhile are skipped. */
export async function copyTree(src: string, dst: string, top: boolean, chown: (p: string) => void): Promise<void> {
  const st = await fs.promises.stat(src);
  await fs.promises.mkdir(dst, { mode: st.mode & 0o7777 });
  chown(dst);
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(src, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const e of entries) {
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    if (top && SKIP_FILES.has(e.name)) continue;
    if (e.name === 'pg_internal.init' || e.name.startsWith('pgsql_tmp')) continue;
    try {
      if (e.isDirectory()) {
        if (top && EMPTY_DIRS.has(e.name)) {
          const s = await fs.promises.stat(from);
          await fs.promises.mkdir(to, { mode: s.mode & 0o7777 });
          chown(to);
          if (e.name === 'pg_wal') {
            await fs.promises.mkdir(path.join(to, 'archive_status'), { mode: 0o700 });
            chown(path.join(to, 'archive_status'));
          }
          continue;
        }
        await copyTree(from, to, false, chown);
      } else if (e.isSymbolicLink()) {
        await fs.promises.symlink(await fs.promises.readlink(from), to);
      } else if (e.isFile()) {
        await fs.promises.copyFile(from, to, fs.constants.COPYFILE_FICLONE);
        chown(to);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

function writePrivate(dir: string, name: string, content: string, runAs: RunAs): void {
  fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
  runAs.chown(path.join(dir, name));
}

/** Makes the data directory dir start as a standby: standby.signal (12+; settings in pgcloud.conf) or recovery.conf. */
export function markStandby(dir: string, major: number, recoveryConfText: string, runAs: RunAs): void {
  if (major >= 12) writePrivate(dir, 'standby.signal', '', runAs);
  else writePrivate(dir, 'recovery.conf', recoveryConfText, runAs);
}

export interface BaseBackupOptions {
  major: number;
  upstreamData: string;
  upstreamSock: string;
  upstreamPort: number;
  slot: string;
  /** The standby's data directory (must not exist); its parent exists. */
  dest: string;
  /** recovery.conf content for majors before 12 (12+: standby.signal, settings in pgcloud.conf). */
  recoveryConf: string;
  runAs: RunAs;
  log: Logger;
}

/** Makes dest a standby's data directory from a base backup of the running upstream server. */
export async function baseBackup(o: BaseBackupOptions): Promise<void> {
  const dir = path.dirname(o.dest);
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(path.basename(o.dest) + '.backup-')) await fs.promises.rm(path.join(dir, name), { recursive: true, force: true });
  }
  const tmp = `${o.dest}.backup-${randomBytes(4).toString('hex')}`;
  const client = await superuserClient(o.upstreamSock, o.upstreamPort);
  const t0 = Date.now();
  try {
    await createMissingSlots(client, [o.slot]);
    if (o.major >= 15) await client.query("SELECT pg_backup_start('pgcloud standby', true)");
    else await client.query("SELECT pg_start_backup('pgcloud standby', true, false)");
    let stopped = false;
    try {
      await copyTree(o.upstreamData, tmp, true, o.runAs.chown);
      const stop = o.major >= 15 ? 'SELECT labelfile, spcmapfile FROM pg_backup_stop(true)' : 'SELECT labelfile, spcmapfile FROM pg_stop_backup(false, true)';
      const res = await client.query(stop);
      stopped = true;
      writePrivate(tmp, 'backup_label', res.rows[0].labelfile, o.runAs);
      if (res.rows[0].spcmapfile) writePrivate(tmp, 'tablespace_map', res.rows[0].spcmapfile, o.runAs);
      markStandby(tmp, o.major, o.recoveryConf, o.runAs);
    } finally {
      if (!stopped) await client.query(o.major >= 15 ? 'SELECT pg_backup_stop(false)' : 'SELECT pg_stop_backup(false, false)').catch(() => {});
    }
    fs.renameSync(tmp, o.dest);
    o.log.info({ from: o.upstreamData, to: o.dest, ms: Date.now() - t0 }, 'standby made from a base backup');
  } catch (e) {
    await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates those of the physical slots that are missing, reserving WAL at once (a standby is made from them next). */
export async function createMissingSlots(client: pg.Client, slots: string[]): Promise<void> {
  const { rows } = await client.query('SELECT slot_name FROM pg_replication_slots');
  const have = new Set(rows.map((r) => r.slot_name as string));
  for (const s of slots) if (!have.has(s)) await client.query('SELECT pg_create_physical_replication_slot($1, true)', [s]);
}

/** Creates the physical replication slots a primary keeps for its standbys (missing ones only). */
export async function ensureSlots(sock: string, port: number, slots: string[]): Promise<void> {
  if (!slots.length) return;
  const client = await superuserClient(sock, port);
  try {
    await createMissingSlots(client, slots);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A standby's replay delay (see Engine.replayDelay), measured on the standby itself. */
export async function replayDelay(sock: string, port: number): Promise<{ bytes: number; seconds: number }> {
  const client = await quickClient(sock, port, 5000);
  try {
    const { rows } = await client.query(
      `SELECT COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::float8 AS bytes,
              CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
                   ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8 AS seconds`,
    );
    return { bytes: Math.max(0, Number(rows[0].bytes)), seconds: Math.max(0, Number(rows[0].seconds)) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Drops those of the slots that exist and are not in use (WAL is no longer kept for them). */
export async function dropSlots(sock: string, port: number, slots: string[]): Promise<void> {
  if (!slots.length) return;
  const client = await superuserClient(sock, port);
  try {
    await client.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active', [slots]);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Promotes the standby whose postmaster is pid; resolves once it accepts writes. */
export async function promote(dataDir: string, pid: number, runAs: RunAs, timeoutMs = 60_000): Promise<void> {
  const file = path.join(dataDir, 'promote');
  fs.writeFileSync(file, '', { mode: 0o600 });
  runAs.chown(file);
  process.kill(pid, 'SIGUSR1');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pm = findPostmaster(dataDir);
    if (!pm || pm.pid !== pid) throw new Error('the standby exited while being promoted');
    if (pm.status === 'ready' && !isStandbyData(dataDir)) return;
    if (Date.now() > deadline) throw new Error(`the standby was not promoted within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(10);
  }
}

/** A short-lived superuser session with a connect and statement timeout. */
export async function quickClient(sock: string, port: number, timeoutMs: number): Promise<pg.Client> {
  const client = new pg.Client({
    host: sock,
    port,
    user: BOOTSTRAP_USER,
    database: 'postgres',
    application_name: 'pgcloud',
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    options: '-c log_statement=none -c log_min_error_statement=panic',
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

export async function probe(sock: string, port: number, timeoutMs: number): Promise<boolean> {
  let client: pg.Client | undefined;
  try {
    client = await quickClient(sock, port, timeoutMs);
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client?.end().catch(() => {});
  }
}

export async function replicas(sock: string, port: number): Promise<ReplicaState[]> {
  const client = await quickClient(sock, port, 5000);
  try {
    const { rows } = await client.query(
      `SELECT application_name, state, sync_state,
              COALESCE(pg_wal_lsn_diff(flush_lsn, '0/0'), -1)::float8 AS flush_lsn,
              COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn), -1)::float8 AS flush_lag,
              COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1)::float8 AS replay_lag
         FROM pg_stat_replication WHERE NOT pg_is_in_recovery()`,
    );
    return rows.map((r) => ({ name: r.application_name, state: r.state, syncState: r.sync_state, flushLsn: Number(r.flush_lsn), flushLagBytes: Number(r.flush_lag), replayLagBytes: Number(r.replay_lag) }));
  } finally {
    await client.end().catch(() => {});
  }
}
