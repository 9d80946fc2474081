// Gives each instance a connectable address of its own on this host: an IP from a loopback range
// (127.0.0.0/8 is all loopback on Linux) and the standard port, as the real service gives each
// instance a VPC IP and port 5432. Where that port is taken on that IP (e.g. by a server bound to
// 0.0.0.0:5432), the instance falls back to a free port of its own.
import net from 'node:net';
import { randomInt } from 'node:crypto';

export function parseCidr(cidr: string): { base: number; size: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`bad address pool ${cidr}`);
  const bits = Number(m[5]);
  const base = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const size = 2 ** (32 - bits);
  return { base: (base & ~(size - 1)) >>> 0, size };
}

const ipOf = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** Resolves with the port that could be bound on host (0 = any), or undefined when it is taken. */
function probe(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen({ host, port, exclusive: true }, () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}

export async function allocateAddress(pool: string, port: number, taken: Set<string>): Promise<{ host: string; port: number }> {
  const { base, size } = parseCidr(pool);
  for (let tries = 0; tries < 64; tries++) {
    // Skip the network and broadcast addresses of the range.
    const host = ipOf(base + 1 + randomInt(0, Math.max(1, size - 2)));
    if (taken.has(`${host}:${port}`)) continue;
    if ((await probe(host, port)) !== undefined) return { host, port };
    const other = await probe(host, 0);
    if (other !== undefined && !taken.has(`${host}:${other}`)) return { host, port: other };
  }
  throw new Error(`no free address left in ${pool}`);
}
