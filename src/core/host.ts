// What this host can really do, for features the API must not pretend to offer: an IPv6 loopback
// address (NeedSupportIpv6) and an encrypting filesystem layer (NeedSupportTDE). Probed once, cached.
import fs from 'node:fs';

/** The one IPv6 loopback address Linux has; IPv6 instances listen on it too. */
export const IPV6_LOOPBACK = '::1';

let ipv6: boolean | undefined;

/** True when the loopback interface carries ::1 (IPv6 not disabled on this host or in this container). */
export function hasIpv6Loopback(): boolean {
  if (ipv6 === undefined) {
    try {
      ipv6 = fs.readFileSync('/proc/net/if_inet6', 'utf8').split('\n').some((l) => l.startsWith('00000000000000000000000000000001 '));
    } catch {
      ipv6 = false;
    }
  }
  return ipv6;
}

/**
 * What this host can still hold for new instances, as the engine measures it: free space where
 * instances are made, the space one new server takes (a copy of its template and room for its first
 * WAL), and, as root, how many more system users (each instance runs as its own) can be made.
 */
export interface HostCapacity {
  freeBytes: number;
  bytesPerNode: number;
  /** undefined: instances do not get users of their own (not root). */
  freeUsers?: number;
}
