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
