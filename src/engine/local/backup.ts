// Base backups into the instance's backup store, through the low-level backup API over the bootstrap
// superuser's socket (as standbys are made: replication.ts copyTree), and what a restore needs of the
// store. A backup is made in <base>/<id>.partial and renamed to <base>/<id> once complete: data/ with
// backup_label (and tablespace_map), and manifest.json listing every file with its size and sha256,
// the start and stop LSN and the timeline. pg_backup_stop waits until the WAL the backup needs is
// archived, so a backup in the store is restorable from the store alone.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ArchivedWal, BaseBackupResult } from '../types.ts';
import type { Layout } from './layout.ts';
import { copyTree } from './replication.ts';
import { superuserClient } from './roles.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const WAL_NAME = /^[0-9A-F]{24}$/;

export interface Manifest {
  startLsn: string;
  stopLsn: string;
  timeline: number;
  startWal: string;
  startedAt: string;
  stoppedAt: string;
  files: Array<{ path: string; size: number; sha256: string }>;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.promises.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

/** START WAL LOCATION of a backup_label: the segment recovery starts from. */
function labelStart(label: string): { lsn: string; wal: string } {
  const m = /^START WAL LOCATION: ([0-9A-F]+\/[0-9A-F]+) \(file ([0-9A-F]{24})\)$/m.exec(label);
  if (!m) throw new Error('backup_label without a START WAL LOCATION');
  return { lsn: m[1]!, wal: m[2]! };
}

export async function takeBaseBackup(o: { layout: Layout; major: number; dataDir: string; sock: string; port: number; store: string; backup: string }): Promise<BaseBackupResult> {
  const store = o.layout.backupStore(o.store);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(o.backup)) throw new Error(`invalid backup id ${JSON.stringify(o.backup)}`);
  fs.mkdirSync(store.base, { recursive: true, mode: 0o700 });
  const final = path.join(store.base, o.backup);
  const partial = `${final}.partial`;
  if (fs.existsSync(path.join(final, 'manifest.json'))) return resultOf(final);
  await fs.promises.rm(partial, { recursive: true, force: true });
  await fs.promises.rm(final, { recursive: true, force: true });
  fs.mkdirSync(partial, { mode: 0o700 });
  const client = await superuserClient(o.sock, o.port);
  try {
    const startedAt = (await client.query('SELECT clock_timestamp() AS t')).rows[0].t as Date;
    if (o.major >= 15) await client.query("SELECT pg_backup_start('pgcloud base backup', true)");
    else await client.query("SELECT pg_start_backup('pgcloud base backup', true, false)");
    let stop: { lsn: string; labelfile: string; spcmapfile: string | null };
    try {
      await copyTree(o.dataDir, path.join(partial, 'data'), true, () => {});
      // wait_for_archive: true, the WAL from start to stop is in the archive when this returns.
      const sql = o.major >= 15 ? 'SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(true)' : 'SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, true)';
      stop = (await client.query(sql)).rows[0];
    } catch (e) {
      await client.query(o.major >= 15 ? 'SELECT pg_backup_stop(false)' : 'SELECT pg_stop_backup(false, false)').catch(() => {});
      throw e;
    }
    const stoppedAt = (await client.query('SELECT clock_timestamp() AS t')).rows[0].t as Date;
    fs.writeFileSync(path.join(partial, 'data', 'backup_label'), stop.labelfile, { mode: 0o600 });
    if (stop.spcmapfile) fs.writeFileSync(path.join(partial, 'data', 'tablespace_map'), stop.spcmapfile, { mode: 0o600 });
    const start = labelStart(stop.labelfile);
    const files = [];
    for (const f of await listFiles(partial)) {
      const st = await fs.promises.stat(path.join(partial, f));
      files.push({ path: f, size: st.size, sha256: await sha256File(path.join(partial, f)) });
    }
    const manifest: Manifest = {
      startLsn: start.lsn, stopLsn: stop.lsn, timeline: parseInt(start.wal.slice(0, 8), 16), startWal: start.wal,
      startedAt: startedAt.toISOString(), stoppedAt: stoppedAt.toISOString(), files,
    };
    const mf = path.join(partial, 'manifest.json');
    fs.writeFileSync(mf, JSON.stringify(manifest, null, 1), { mode: 0o600 });
    const fd = fs.openSync(mf, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(partial, final);
    return resultOf(final);
  } catch (e) {
    await fs.promises.rm(partial, { recursive: true, force: true }).catch(() => {});
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}

function resultOf(dir: string): BaseBackupResult {
  const text = fs.readFileSync(path.join(dir, 'manifest.json'));
  const m = JSON.parse(text.toString('utf8')) as Manifest;
  return {
    startLsn: m.startLsn, stopLsn: m.stopLsn, timeline: m.timeline, startWal: m.startWal,
    startedAt: new Date(m.startedAt), stoppedAt: new Date(m.stoppedAt),
    size: m.files.reduce((s, f) => s + f.size, 0), files: m.files.length,
    manifestSha256: createHash('sha256').update(text).digest('hex'),
  };
}

export function readManifest(layout: Layout, store: string, backup: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(layout.backupStore(store).base, backup, 'manifest.json'), 'utf8')) as Manifest;
}

/** A commit record now, the segment ended, and waited for until the archive has it. */
export async function sealArchive(layout: Layout, sock: string, port: number, store: string, timeoutMs = 60_000): Promise<void> {
  const client = await superuserClient(sock, port);
  let wal: string;
  try {
    if ((await client.query('SELECT pg_is_in_recovery() AS r')).rows[0].r) return;
    // txid_current() gives the transaction an id: its commit is a commit record with a timestamp
    // after every moment asked for so far, which recovery to a time needs to stop at.
    await client.query('SELECT txid_current()');
    wal = (await client.query('SELECT pg_walfile_name(pg_switch_wal()) AS w')).rows[0].w;
  } finally {
    await client.end().catch(() => {});
  }
  const file = path.join(layout.backupStore(store).wal, wal);
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`WAL segment ${wal} was not archived within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(20);
  }
}

export async function archivedWal(layout: Layout, store: string): Promise<ArchivedWal[]> {
  const dir = layout.backupStore(store).wal;
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: ArchivedWal[] = [];
  for (const name of names.filter((n) => WAL_NAME.test(n) || /^[0-9A-F]{8}\.history$/.test(n) || /^[0-9A-F]{24}\.partial$/.test(n)).sort()) {
    const st = await fs.promises.stat(path.join(dir, name)).catch(() => undefined);
    if (st) out.push({ name, size: st.size, modifiedAt: st.mtime });
  }
  return out;
}

/**
 * Copies what recovery from the backup needs of the archive into dest (the restoring instance's own,
 * readable by its user): every timeline history file and the segments from the backup's start on.
 */
export async function stageRestoreWal(layout: Layout, store: string, startWal: string, dest: string, chown: (p: string) => void): Promise<void> {
  const src = layout.backupStore(store).wal;
  const tmp = `${dest}.tmp`;
  await fs.promises.rm(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { mode: 0o700 });
  chown(tmp);
  for (const w of await archivedWal(layout, store)) {
    const wanted = w.name.endsWith('.history') || (WAL_NAME.test(w.name) && w.name.slice(8) >= startWal.slice(8));
    if (!wanted) continue;
    await fs.promises.copyFile(path.join(src, w.name), path.join(tmp, w.name), fs.constants.COPYFILE_FICLONE);
    chown(path.join(tmp, w.name));
  }
  fs.renameSync(tmp, dest);
}
