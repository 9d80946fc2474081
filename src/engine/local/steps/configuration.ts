// Configuration, rewritten on every converge (files only touched when they differ): pgcloud.conf with
// the reloadable settings (the spec's and those earlier steps contributed), pg_hba.conf from the
// access rules and pg_ident.conf (the bootstrap superuser logs in over the socket by peer, mapped from
// pgcloud's own OS user: see config.ts socketPeers), and the postmaster's arguments for the
// restart-only settings.
import path from 'node:path';
import { CONF_FILE, postmasterArgs, renderConf, renderHba, renderIdent, socketPeers } from '../config.ts';
import { ensureSocketDir } from '../datadir.ts';
import { writeIfChanged } from '../files.ts';
import type { Step } from './context.ts';

export const configuration: Step = {
  name: 'configuration',
  run(c) {
    const { spec, paths: p, runAs } = c;
    ensureSocketDir(p, runAs);
    const conf = writeIfChanged(path.join(p.data, CONF_FILE), renderConf(spec, c.conf), runAs.chown);
    const peers = socketPeers(runAs.name);
    const ident = writeIfChanged(path.join(p.data, 'pg_ident.conf'), renderIdent(peers), runAs.chown);
    const hba = writeIfChanged(path.join(p.data, 'pg_hba.conf'), renderHba(spec.accessRules, peers), runAs.chown);
    c.confChanged = conf || ident || hba;
    // The engine's restart-only settings win over the tenant's of the same name.
    c.args = postmasterArgs({ ...spec, startSettings: { ...spec.startSettings, ...c.startConf } }, p.data, p.sock);
  },
};
