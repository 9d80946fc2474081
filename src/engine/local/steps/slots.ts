// A primary keeps a physical replication slot per standby (made once per engine object and set of slots).
import { ensureSlots } from '../replication.ts';
import type { Step } from './context.ts';

export const slots: Step = {
  name: 'slots',
  async run(c) {
    const repl = c.spec.replication;
    if (repl?.role !== 'primary' || c.known.slotsKey === repl.slots.join(',')) return;
    await ensureSlots(c.paths.sock, c.spec.port, repl.slots);
    c.known.slotsKey = repl.slots.join(',');
  },
};
