// Files of another user: made by an earlier pgcloud that ran every instance as the shared user. Its
// server (running as that user) is stopped, the files given to the instance's user, and the server
// started again by `server`.
import { adoptFiles, ownedByOther } from '../datadir.ts';
import { findPostmaster, stopPostmaster } from '../process.ts';
import type { Step } from './context.ts';

export const takeover: Step = {
  name: 'takeover',
  async run(c, engine) {
    const { spec, paths, runAs } = c;
    if (c.made || c.version === undefined || !ownedByOther(paths, runAs)) return;
    const t = performance.now();
    const pm = findPostmaster(paths.data);
    if (pm) await stopPostmaster(pm.pid);
    await engine.clearStrays(spec.id, paths.data);
    c.known.pid = undefined;
    await adoptFiles(paths, runAs, engine.users.shared.uid);
    c.lap('adoptMs', t);
    engine.log.warn({ id: spec.id, user: runAs.name }, 'instance files given to its own user');
  },
};
