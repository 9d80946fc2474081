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

/**
 * An address for an instance. taken holds "host:port" of the addresses already given out (IPv6 ones
 * as "::1:port"). With ipv6 the instance also listens on ::1 at the same port (PostgreSQL has one port
 * for all its listen addresses), and ::1 is one address shared by every IPv6 instance: the first may
 * get the standard port there, the others get a port free on both their IPv4 address and ::1.
 */
export async function allocateAddress(pool: string, port: number, taken: Set<string>, ipv6?: string): Promise<{ host: string; port: number }> {
  const { base, size } = parseCidr(pool);
  const free = async (host: string, p: number) =>
    !taken.has(`${host}:${p}`) && (!ipv6 || !taken.has(`${ipv6}:${p}`)) && (await probe(host, p)) !== undefined && (!ipv6 || (await probe(ipv6, p)) !== undefined);
  for (let tries = 0; tries < 64; tries++) {
    // Skip the network and broadcast addresses of the range.
    const host = ipOf(base + 1 + randomInt(0, Math.max(1, size - 2)));
    if (taken.has(`${host}:${port}`)) continue;
    if (await free(host, port)) return { host, port };
    const other = await probe(ipv6 ?? host, 0);
    if (other !== undefined && (await free(host, other))) return { host, port: other };
  }
  throw new Error(`no free address left in ${pool}`);
}
