// As root the server runs in a sandbox of its own (../sandbox.ts: private /tmp, its own processes
// only, no capabilities). Which one is decided here; a running server started outside one (by an
// earlier pgcloud) is stopped, and `server` starts it again inside.
import path from 'node:path';
import { stopPostmaster, findPostmaster } from '../process.ts';
import { inOwnNamespace, sandboxAvailable } from '../sandbox.ts';
import type { Step } from './context.ts';

export const sandbox: Step = {
  name: 'sandbox',
  async run(c, engine) {
    const { spec, paths: p, runAs } = c;
    if (!runAs.switching || !sandboxAvailable()) return;
    // What the server needs that may lie below /tmp: the engine's directory (its own data, a standby's
    // primary socket), the binaries, a socket directory outside the instance.
    c.sandbox = { tmpDir: path.join(p.dir, 'tmp'), visible: [engine.layout.root, c.bin.root, p.sock] };
    const pm = findPostmaster(p.data);
    if (pm && !inOwnNamespace(pm.pid)) {
      engine.log.warn({ id: spec.id, pid: pm.pid }, 'restarting server to run it in its sandbox');
      await stopPostmaster(pm.pid);
    }
  },
};
