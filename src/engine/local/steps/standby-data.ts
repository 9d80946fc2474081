// A standby's data directory. One that is not a standby's (a former primary, which may hold writes
// its successor never saw) is thrown away and made again from the current primary: from a copy of the
// template while the primary is still at the template's checkpoint (checked against the copy's own
// pg_control and the primary's slot), else by a base backup.
import fs from 'node:fs';
import { ensureDir } from '../files.ts';
import { removeInstance } from '../datadir.ts';
import { baseBackup, conninfo, isStandbyData, recoveryConf } from '../replication.ts';
import { shutdownCheckpoint, templateFitsPrimary } from '../standby.ts';
import type { Step } from './context.ts';

export const standbyData: Step = {
  name: 'standby data',
  async run(c, engine) {
    const { spec, paths: p, runAs } = c;
    const repl = spec.replication;
    if (repl?.role !== 'standby') return;
    const { log } = engine;
    c.upstream = engine.socketOf(repl.upstream) ?? { sock: engine.layout.instance(repl.upstream).sock, port: repl.upstreamPort ?? spec.port };
    let rebuilt = false;
    if (c.version !== undefined && !isStandbyData(p.data)) {
      log.warn({ id: spec.id, upstream: repl.upstream }, 'rebuilding a former primary as a standby');
      await engine.fence(spec.id);
      await removeInstance(p);
      c.version = undefined;
      rebuilt = true;
    }
    if (c.version !== undefined) return;
    const live = engine.socketOf(repl.upstream);
    if (!live) throw new Error(`cannot make a standby: its primary ${repl.upstream} is not running`);
    ensureDir(p.dir, 0o700, runAs.chown);
    const t = performance.now();
    const rconf = recoveryConf(conninfo(live.sock, live.port, repl.name), repl.slot);
    // A first standby of a primary still at its template's checkpoint: a copy of the template will do
    // (the one stageStandby made, else one made now). Its own pg_control is what is checked.
    const staged = `${p.data}.staged`;
    if (!rebuilt && !fs.existsSync(staged)) await engine.stage(spec);
    const tpl = rebuilt ? undefined : shutdownCheckpoint(staged);
    if (tpl && isStandbyData(staged) && (await templateFitsPrimary(tpl, live.sock, live.port, repl.slot, log))) {
      fs.renameSync(staged, p.data);
      c.lap('templateCopyMs', t);
      log.info({ id: spec.id, upstream: repl.upstream }, 'standby made from a copy of the template');
    } else {
      await fs.promises.rm(staged, { recursive: true, force: true });
      await baseBackup({
        major: Number(spec.major), upstreamData: engine.layout.instance(repl.upstream).data, upstreamSock: live.sock, upstreamPort: live.port,
        slot: repl.slot, dest: p.data, recoveryConf: rconf, runAs, log,
      });
      c.lap('baseBackupMs', t);
    }
    c.version = spec.major;
    c.made = true;
    c.known.roleKey = undefined;
  },
};
