// The server: a live one that runs with these settings, as this instance's user, is adopted (and
// reloaded when its files changed or it is new to this engine object); otherwise it is (re)started.
import { findPostmaster, removeStalePidFile, startPostmaster, stopPostmaster, uidOf, waitReady } from '../process.ts';
import { ensureDir } from '../files.ts';
import type { Step } from './context.ts';

const sameArgs = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export const server: Step = {
  name: 'server',
  async run(c, engine) {
    const { spec, paths: p, runAs, known } = c;
    const { log } = engine;
    let pm = findPostmaster(p.data);
    if (pm && !sameArgs(pm.args, c.args)) {
      log.info({ id: spec.id, pid: pm.pid, running: pm.args, wanted: c.args }, 'restarting server to apply new settings');
      await stopPostmaster(pm.pid);
      pm = undefined;
    }
    if (pm && runAs.switching && uidOf(pm.pid) !== runAs.uid) {
      log.warn({ id: spec.id, pid: pm.pid, user: runAs.name }, 'restarting server to run as its instance user');
      await stopPostmaster(pm.pid);
      pm = undefined;
    }
    let pid: number | undefined;
    if (pm) {
      // A new engine object (service restart) may adopt a server whose config was rewritten just before a crash.
      if (c.confChanged || known.pid !== pm.pid) {
        c.reloadedAt = new Date();
        try {
          process.kill(pm.pid, 'SIGHUP');
        } catch {
          /* it just exited: waitReady sees it */
        }
      }
      if (pm.status === 'ready' || pm.status === 'standby' || (await waitReady(p.data, pm.pid, engine.startTimeoutMs))) pid = pm.pid;
      if (known.pid !== pid && pid) log.info({ id: spec.id, pid }, 'adopted running server');
    }
    if (pid === undefined) {
      if (!c.made) await engine.clearStrays(spec.id, p.data); // a fresh copy has no processes
      removeStalePidFile(p.data);
      if (c.sandbox) ensureDir(c.sandbox.tmpDir, 0o700, runAs.chown);
      const t = performance.now();
      pid = await startPostmaster({
        sandbox: c.sandbox,
        binary: c.bin.postgres,
        args: c.args,
        dataDir: p.data,
        logFile: p.log,
        runAs,
        what: `PostgreSQL ${spec.major} server of ${spec.id}`,
        listen: `${spec.host}:${spec.port}`,
        timeoutMs: engine.startTimeoutMs,
        onExit: (how) => engine.serverExited(spec.id, how),
      });
      c.lap('startMs', t);
    }
    known.pid = pid;
    c.pid = pid;
  },
};
