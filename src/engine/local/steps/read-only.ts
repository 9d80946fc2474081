// Read-only at the storage quota (default_transaction_read_only, in pgcloud.conf): once new sessions
// see the setting, the open ones are ended, once, on the change.
import { superuserClient, terminateClients } from '../roles.ts';
import type { Step } from './context.ts';

export const readOnly: Step = {
  name: 'read-only',
  async run(c, engine) {
    const { spec, paths: p, known } = c;
    if (spec.readOnly && known.readOnly !== true && spec.replication?.role !== 'standby') {
      if (c.reloadedAt) await waitReloaded(p.sock, spec.port, c.reloadedAt);
      const ended = await terminateClients(p.sock, spec.port);
      engine.log.warn({ id: spec.id, sessionsEnded: ended }, 'instance is read-only');
    }
    known.readOnly = Boolean(spec.readOnly);
  },
};

/** Waits (up to 5 s) until new sessions of the server have read the configuration reloaded at since. */
export async function waitReloaded(sock: string, port: number, since: Date): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const client = await superuserClient(sock, port);
    try {
      const { rows } = await client.query('SELECT pg_conf_load_time() AS t');
      if ((rows[0].t as Date).getTime() >= since.getTime() - 5) return;
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
