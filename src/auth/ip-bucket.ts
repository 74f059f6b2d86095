import { isIPv4, isIPv6 } from 'node:net';

/**
 * The bucket a client address is counted in by the per-IP login limit. An IPv4 address is its own
 * bucket (an IPv4-mapped IPv6 address counts as the IPv4 one); IPv6 clients are grouped by their
 * /64, the smallest block a provider hands one subscriber, who could otherwise rotate through
 * 2^64 addresses, each with a fresh budget.
 */
export function ipBucket(ip: string): string {
  if (isIPv4(ip)) return ip;
  const address = ip.split('%')[0]; // a zone id (fe80::1%eth0) names the interface, not the host
  if (!isIPv6(address)) return ip;
  const groups = expandIPv6(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, an IPv4 tail converted). */
function expandIPv6(address: string): number[] {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const parse = (part: string | undefined): number[] =>
    part
      ? part
          .split(':')
          .flatMap((group) => (group.includes('.') ? ipv4Groups(group) : [parseInt(group, 16)]))
      : [];
  const left = parse(head);
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function ipv4Groups(dotted: string): number[] {
  const [a, b, c, d] = dotted.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}
