// A read-only group's address: a TCP relay (node:net) that listens on the group's own host:port and
// hands each new connection to one member server, picked by smooth weighted round robin (nginx's:
// over any run of connections each member's share is its weight's, interleaved, not in bursts). The
// bytes are piped both ways untouched (TLS, the startup packet, SCRAM all pass through). A member that
// refuses the connection is skipped for the next one; a relay without members closes new connections.
// Membership changes apply to new connections; open ones stay where they are.
import net from 'node:net';
import type { Logger } from 'pino';

export interface RelayMember {
  /** Whose server it is (the read-only instance's ID), for logs and counts. */
  id: string;
  host: string;
  port: number;
  weight: number;
}

export class Relay {
  private server: net.Server | undefined;
  private members: Array<RelayMember & { current: number }> = [];
  private readonly open = new Set<net.Socket>();
  /** Connections handed to each member since the relay started. */
  readonly handed = new Map<string, number>();

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly log: Logger,
  ) {}

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((c) => this.accept(c));
      server.once('error', reject);
      server.listen({ host: this.host, port: this.port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (e) => this.log.warn({ err: e, host: this.host, port: this.port }, 'relay error'));
        this.server = server;
        resolve();
      });
    });
  }

  /** The members new connections go to (weight 0 or less: none); a kept member keeps its place in the rotation. */
  setMembers(members: RelayMember[]): void {
    const before = new Map(this.members.map((m) => [`${m.id}@${m.host}:${m.port}`, m.current]));
    this.members = members.filter((m) => m.weight > 0).map((m) => ({ ...m, current: before.get(`${m.id}@${m.host}:${m.port}`) ?? 0 }));
  }

  get memberIds(): string[] {
    return this.members.map((m) => m.id);
  }

  /** Smooth weighted round robin: every member gains its weight, the highest is picked and loses the total. */
  private pick(skip: Set<RelayMember>): RelayMember | undefined {
    const live = this.members.filter((m) => !skip.has(m));
    if (!live.length) return undefined;
    const total = live.reduce((s, m) => s + m.weight, 0);
    let best = live[0]!;
    for (const m of live) {
      m.current += m.weight;
      if (m.current > best.current) best = m;
    }
    best.current -= total;
    return best;
  }

  private accept(client: net.Socket): void {
    client.pause();
    client.setNoDelay(true);
    this.open.add(client);
    client.on('close', () => this.open.delete(client));
    client.on('error', () => client.destroy());
    const tried = new Set<RelayMember>();
    const attempt = (): void => {
      const m = this.pick(tried);
      if (!m) {
        client.destroy();
        return;
      }
      tried.add(m);
      const upstream = net.connect({ host: m.host, port: m.port });
      upstream.setNoDelay(true);
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        // The client left while the member was being reached: nothing to relay.
        if (client.destroyed) return upstream.destroy();
        this.handed.set(m.id, (this.handed.get(m.id) ?? 0) + 1);
        this.open.add(upstream);
        upstream.on('close', () => {
          this.open.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on('error', (e) => {
        if (connected) return upstream.destroy();
        this.log.warn({ member: m.id, err: e.message }, 'relay: member refused a connection; trying the next');
        if (!client.destroyed) attempt();
      });
    };
    attempt();
  }

  /** Stops listening and ends every relayed connection. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.open) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
