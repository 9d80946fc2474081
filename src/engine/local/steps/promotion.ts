// A primary whose data directory is still a standby's (failover, switchover): promoted if its server
// runs; if not, it starts as a primary after replaying the WAL it has (no signal file, no recovery.conf).
import fs from 'node:fs';
import path from 'node:path';
import { findPostmaster, waitReady } from '../process.ts';
import { isStandbyData, promote } from '../replication.ts';
import { isRestoring } from './restore.ts';
import type { Step } from './context.ts';

export const promotion: Step = {
  name: 'promotion',
  async run(c, engine) {
    const { spec, paths: p } = c;
    // A restore promotes itself at its recovery target (restoreFinish waits for it).
    if (spec.replication?.role !== 'primary' || !isStandbyData(p.data) || isRestoring(p.dir)) return;
    const t = performance.now();
    const pm = findPostmaster(p.data);
    if (pm && (pm.status === 'standby' || (await waitReady(p.data, pm.pid, engine.startTimeoutMs)))) {
      await promote(p.data, pm.pid, c.runAs, engine.startTimeoutMs);
    } else {
      fs.rmSync(path.join(p.data, 'standby.signal'), { force: true });
      if (fs.existsSync(path.join(p.data, 'recovery.conf'))) fs.renameSync(path.join(p.data, 'recovery.conf'), path.join(p.data, 'recovery.done'));
    }
    c.lap('promoteMs', t);
    engine.log.warn({ id: spec.id }, 'standby promoted to primary');
  },
};
