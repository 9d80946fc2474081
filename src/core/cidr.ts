// IPv4 CIDR arithmetic for VPCs, subnets, address books and security group policies.
import net from 'node:net';

export interface Cidr4 {
  base: number; // network address as an unsigned 32-bit integer
  bits: number; // prefix length
  size: number; // number of addresses
}

export const ipToInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0) >>> 0;
export const intToIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** Parses "a.b.c.d/n" (n 0-32). Host bits must be zero unless loose; undefined when malformed. */
export function parseCidr4(text: string, loose = false): Cidr4 | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const ip = ipToInt(octets.join('.'));
  const base = bits === 0 ? 0 : (ip - (ip % size)) >>> 0;
  if (!loose && base !== ip) return undefined;
  return { base, bits, size };
}

export const formatCidr4 = (c: Cidr4): string => `${intToIp(c.base)}/${c.bits}`;

export const cidrContains = (outer: Cidr4, inner: Cidr4): boolean => inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;

export const cidrOverlaps = (a: Cidr4, b: Cidr4): boolean => a.base < b.base + b.size && b.base < a.base + a.size;

/** The private ranges a VPC may use (RFC 1918), as the real service allows. */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr4(c)!);

/** An IPv6 CIDR ("::/0", "fd00::/8", a bare address); undefined when malformed. */
export function parseCidr6(text: string): { address: string; bits: number } | undefined {
  const [address, bitsText, ...rest] = text.trim().split('/');
  if (rest.length || !address || !net.isIPv6(address)) return undefined;
  const bits = bitsText === undefined ? 128 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 128 || (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText))) return undefined;
  return { address, bits };
}
