// The engine's read-only group addresses: one Relay (relay.ts) per group, made, moved and given its
// members on ensure, closed on remove. In memory: after a restart of pgcloud the reconciler ensures
// every group again on its first pass.
import type { Logger } from 'pino';
import type { BalancerSpec } from '../types.ts';
import { Relay } from './relay.ts';

export class Balancers {
  private readonly relays = new Map<string, Relay>();

  constructor(private readonly log: Logger) {}

  async ensure(spec: BalancerSpec): Promise<void> {
    let relay = this.relays.get(spec.id);
    if (relay && (relay.host !== spec.host || relay.port !== spec.port)) {
      await relay.close();
      relay = undefined;
      this.relays.delete(spec.id);
    }
    if (!relay) {
      relay = new Relay(spec.host, spec.port, this.log);
      await relay.listen();
      this.relays.set(spec.id, relay);
      this.log.info({ group: spec.id, host: spec.host, port: spec.port }, 'read-only group address listening');
    }
    const before = relay.memberIds.join(',');
    relay.setMembers(spec.members);
    if (relay.memberIds.join(',') !== before) this.log.info({ group: spec.id, members: relay.memberIds }, 'read-only group members');
  }

  async remove(id: string): Promise<void> {
    const relay = this.relays.get(id);
    this.relays.delete(id);
    await relay?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.relays.keys()].map((id) => this.remove(id)));
  }
}
