// WAL archiving into the instance's backup store (layout.backupStore(store).wal), never inside its data
// directory. archive_mode is "always" on every node of an instance: a primary archives what it writes,
// a standby what it receives (identical segments, which both archivers accept), so a standby promoted
// by a failover goes on archiving without a restart and no segment the old primary had not archived
// yet is missing. A segment is never half-written nor overwritten by a different one:
// - 15+: basic_archive (shipped with the binaries), which copies to a temporary file, fsyncs, renames,
//   and succeeds for an identical file already there and fails for a different one;
// - 10-14: an archive_command doing the same in sh (cp to a temporary name, sync, mv; cmp when the
//   name is taken).
// Encrypted (TDE) instances are not archived: the archive would hold their WAL in clear.
import { ensureDir } from '../files.ts';
import type { Step } from './context.ts';

const sh = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The archive_command of 10-14 for the archive directory dir. */
export function archiveCommand(dir: string): string {
  const d = sh(dir);
  return (
    `f=${d}/%f; if test -f "$f"; then cmp -s %p "$f"; else ` +
    `t=${d}/.%f.$$.tmp; cp %p "$t" && sync "$t" && mv "$t" "$f" && sync ${d}; r=$?; rm -f "$t"; exit $r; fi`
  );
}

export const archive: Step = {
  name: 'archive',
  run(c, engine) {
    const { spec, runAs } = c;
    if (!spec.archive || spec.encryption) return;
    const store = engine.layout.backupStore(spec.archive.store);
    ensureDir(store.dir, runAs.switching ? 0o711 : 0o700, () => {});
    ensureDir(store.wal, 0o700, runAs.chown);
    c.startConf.archive_mode = 'always';
    if (Number(spec.major) >= 15) {
      c.conf.archive_library = 'basic_archive';
      c.conf['basic_archive.archive_directory'] = store.wal;
    } else {
      c.conf.archive_command = archiveCommand(store.wal);
    }
    // A segment at least every minute even when little is written: the recovery window stays recent.
    c.conf.archive_timeout = '60';
  },
};
