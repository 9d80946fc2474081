// The server's part in streaming replication, as settings: a primary's synchronous standbys, a
// standby's primary_conninfo and slot (PostgreSQL 12+: in pgcloud.conf; 10-11: in recovery.conf).
import fs from 'node:fs';
import path from 'node:path';
import { writeIfChanged } from '../files.ts';
import { conninfo, recoveryConf } from '../replication.ts';
import { synchronousNames } from '../config.ts';
import type { Step } from './context.ts';

export const replicationSettings: Step = {
  name: 'replication settings',
  run(c) {
    const repl = c.spec.replication;
    // setSynchronous's setting, when there is one, is newer than the spec (which may have been built before it).
    if (repl?.role === 'primary') c.conf.synchronous_standby_names = synchronousNames(c.known.synchronous ?? repl.synchronous);
    else c.known.synchronous = undefined;
    if (repl?.role !== 'standby' || !c.upstream) return;
    const info = conninfo(c.upstream.sock, c.upstream.port, repl.name);
    if (Number(c.spec.major) >= 12) {
      c.conf.primary_conninfo = info;
      c.conf.primary_slot_name = repl.slot;
      return;
    }
    const file = path.join(c.paths.data, 'recovery.conf');
    if (fs.existsSync(file)) writeIfChanged(file, recoveryConf(info, repl.slot), c.runAs.chown);
  },
};
