import type { ObservationLog, TransferDirection, TransferTrial } from '../observation/index.js';
import type { Evidence, Finding, FixExample } from './finding.js';

/**
 * "Small transfers work, large ones stall", per direction, from the transfer experiments
 * (--download, --upload-dir). A packet of a few hundred bytes passes where a full-size one is
 * dropped: a path-MTU black hole (a link below 1500 bytes and the ICMP "fragmentation needed" /
 * ICMPv6 "packet too big" that would tell the sender filtered, RFC 1191 / RFC 8201), or an
 * inspecting middlebox that resets a flow once it has seen enough of it. From the client both look
 * the same; the finding names both.
 */
export function transferSizeFindings(log: ObservationLog): Finding[] {
  const trials = log.transfers?.trials ?? [];
  return (['download', 'upload'] as const).flatMap((direction) => {
    const own = trials.map((t, i) => ({ t, ref: `/transfers/trials/${i}` })).filter((x) => x.t.direction === direction);
    const broken = own.filter((x) => BROKEN.has(x.t.outcome));
    if (broken.length === 0) return [];
    const smallest = Math.min(...broken.map((x) => size(x.t)));
    const worked: Evidence[] = own
      .filter((x) => x.t.outcome === 'ok' && size(x.t) < smallest)
      .map((x) => ({ ref: x.ref, fact: trialFact(x.t) }));
    // A download's small counterpart is a directory listing the passive probe read to its end.
    if (direction === 'download') worked.push(...listingsThatWorked(log, smallest));
    if (worked.length === 0) return [];
    return [finding(direction, [...worked, ...broken.map((x) => ({ ref: x.ref, fact: trialFact(x.t) }))])];
  });
}

/** Outcomes of a transfer that got through to its port and then broke. */
export const BROKEN = new Set<TransferTrial['outcome']>(['stalled', 'no-data', 'reset']);

function size(t: TransferTrial): number {
  return t.plannedBytes ?? t.transfer?.bytes ?? 0;
}

function trialFact(t: TransferTrial): string {
  const moved = t.transfer ? `, ${t.transfer.bytes} bytes moved in ${t.transfer.totalMs} ms` : '';
  const why = t.transfer?.error ? ` (${t.transfer.error.message})` : '';
  return `${t.direction === 'download' ? 'RETR' : 'STOR'} ${t.path} (${size(t)} bytes): ${t.outcome}${moved}${why}`;
}

function listingsThatWorked(log: ObservationLog, below: number): Evidence[] {
  return log.passive
    .flatMap((a, i) => {
      const transfer = a.connections.find((c) => c.transfer)?.transfer;
      if (a.outcome !== 'ok' || !transfer || transfer.bytes >= below) return [];
      return [
        { ref: `/passive/${i}`, fact: `${a.command} + ${a.listCommand ?? 'LIST'}: ${transfer.bytes} bytes, complete` },
      ];
    })
    .slice(0, 1);
}

const EXAMPLES: FixExample[] = [
  {
    system: 'nftables',
    text: [
      '# on the router: clamp the TCP MSS to the route MTU',
      'nft add rule inet filter forward tcp flags syn tcp option maxseg size set rt mtu',
      '# let the path-MTU messages through (ICMP type 3 code 4, ICMPv6 type 2)',
      'nft add rule inet filter forward icmp type destination-unreachable icmp code frag-needed accept',
      'nft add rule inet filter forward icmpv6 type packet-too-big accept',
    ].join('\n'),
  },
  {
    system: 'iptables',
    text: [
      'iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu',
      'iptables -A FORWARD -p icmp --icmp-type fragmentation-needed -j ACCEPT',
      'ip6tables -A FORWARD -p icmpv6 --icmpv6-type packet-too-big -j ACCEPT',
    ].join('\n'),
  },
  {
    system: 'client',
    text: [
      '# a lower MTU on this computer (a workaround until the path is fixed)',
      'Linux:   sudo ip link set dev eth0 mtu 1400',
      'Windows: netsh interface ipv4 set subinterface "Ethernet" mtu=1400 store=persistent',
      'macOS:   sudo ifconfig en0 mtu 1400',
    ].join('\n'),
  },
];

function finding(direction: TransferDirection, evidence: Evidence[]): Finding {
  const way = direction === 'download' ? 'from the server to you' : 'from you to the server';
  return {
    code: 'DATA_STALLED_LARGE',
    severity: 'error',
    channel: 'passive',
    title: `Small ${direction}s work, large ${direction}s stall`,
    evidence,
    rule: `Full-size packets ${way} are lost while small ones pass: a path-MTU black hole (a link with an MTU below 1500 and the ICMP "fragmentation needed" / ICMPv6 "packet too big" messages filtered), or a firewall or inspection box that resets a transfer part-way. The two look the same from here.`,
    where: 'path',
    actor: 'network-admin',
    fix: [
      'Find the path MTU: ping -M do -s 1472 SERVER (Linux; Windows: ping -f -l 1472 SERVER), lowering the size until it passes.',
      'Ask your network admin to clamp the TCP MSS on the router at the narrow link, and to allow ICMP type 3 code 4 (fragmentation needed) and ICMPv6 packet-too-big.',
      "Until then, a lower MTU on this computer's interface makes large transfers work.",
      'If the MTU is fine everywhere, look for an inspecting firewall (IPS, DPI, antivirus proxy) that cuts long FTP data flows.',
    ],
    examples: EXAMPLES,
  };
}
