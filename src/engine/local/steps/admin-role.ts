// The admin role with its SCRAM verifier (a standby has its primary's roles). Remembered per engine
// object, so a running instance costs no SQL.
import { ensureAdminRole } from '../roles.ts';
import type { Step } from './context.ts';

export const adminRole: Step = {
  name: 'admin role',
  async run(c, engine) {
    const { spec, paths: p, known } = c;
    if (spec.replication?.role === 'standby') return;
    const roleKey = `${spec.adminName}\0${spec.adminVerifier}`;
    if (known.roleKey === roleKey) return;
    const t = performance.now();
    const result = await ensureAdminRole({ sockDir: p.sock, port: spec.port, name: spec.adminName, verifier: spec.adminVerifier, fresh: c.made, major: Number(spec.major) });
    c.lap('roleMs', t);
    known.roleKey = roleKey;
    if (result !== 'unchanged') engine.log.info({ id: spec.id, role: spec.adminName, result }, 'admin role ensured');
  },
};
