import { BlockList, isIP } from 'node:net';

/**
 * What kind of address a server advertised or a client sent: decides whether an address in a
 * 227 reply or a PORT command can be reached from the other side of a NAT.
 */
export type AddressClass =
  | 'loopback'
  | 'private' // RFC 1918, IPv6 ULA fc00::/7
  | 'cgnat' // RFC 6598 100.64.0.0/10
  | 'link-local'
  | 'unspecified'
  | 'documentation' // RFC 5737, RFC 3849: never a real peer
  | 'public'
  | 'invalid';

const ranges: Array<[AddressClass, Array<[string, number, 'ipv4' | 'ipv6']>]> = [
  [
    'loopback',
    [
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
    ],
  ],
  [
    'unspecified',
    [
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6'],
    ],
  ],
  [
    'private',
    [
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
    ],
  ],
  ['cgnat', [['100.64.0.0', 10, 'ipv4']]],
  [
    'link-local',
    [
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ],
  ],
  [
    'documentation',
    [
      ['192.0.2.0', 24, 'ipv4'],
      ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'],
      ['2001:db8::', 32, 'ipv6'],
    ],
  ],
];

const lists = ranges.map(([cls, subnets]) => {
  const list = new BlockList();
  for (const [net, prefix, type] of subnets) list.addSubnet(net, prefix, type);
  return [cls, list] as const;
});

export function classifyAddress(address: string): AddressClass {
  const plain = unmapIpv4(address);
  const family = isIP(plain);
  if (family === 0) return 'invalid';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [cls, list] of lists) if (list.check(plain, type)) return cls;
  return 'public';
}

/** "::ffff:10.0.0.1" (how a dual-stack socket reports an IPv4 peer) → "10.0.0.1". */
export function unmapIpv4(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m?.[1] ?? address;
}

/** Addresses that cannot be reached from the public internet: advertising one across a NAT breaks the peer. */
export function isNonRoutable(cls: AddressClass): boolean {
  return cls !== 'public' && cls !== 'documentation';
}

export function sameAddress(a: string, b: string): boolean {
  return unmapIpv4(a).toLowerCase() === unmapIpv4(b).toLowerCase();
}
