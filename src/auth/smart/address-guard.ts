import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Which addresses an outbound fetch of a client-supplied URL may connect to (SSRF guard): public
 * unicast addresses only (ipaddr.js classifies them), plus the private ones configured. Its
 * `lookup` is handed to the HTTP request, so the address is checked when the connection is made,
 * after DNS (a name that resolves to 127.0.0.1 or 169.254.169.254 is refused like the literal).
 */
export class AddressGuard {
  private readonly allowed: [Address, number][];

  constructor(allowedEntries: readonly string[]) {
    this.allowed = allowedEntries.map((entry) =>
      entry.includes('/') ? ipaddr.parseCIDR(entry) : whole(ipaddr.parse(entry)),
    );
  }

  /** May a connection be made to this address (an IP literal)? */
  isAllowed(address: string): boolean {
    if (!ipaddr.isValid(address)) return false;
    let parsed: Address = ipaddr.parse(address);
    // ::ffff:127.0.0.1 is 127.0.0.1.
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    }
    const listed = this.allowed.some(
      ([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits),
    );
    return listed || parsed.range() === 'unicast';
  }

  /** A `lookup` for http(s).request: resolves, then refuses if any address is not allowed. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const refused = list.find((a) => !this.isAllowed(a.address));
      if (refused || list.length === 0) {
        const error = new Error(`address ${refused?.address ?? 'none'} is not allowed`);
        return callback(Object.assign(error, { code: 'EADDRNOTALLOWED' }), '', 0);
      }
      if (options.all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}

function whole(address: Address): [Address, number] {
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}
