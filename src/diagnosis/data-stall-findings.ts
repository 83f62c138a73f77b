import type { ObservationLog } from '../observation/index.js';
import type { ClaimRecorder } from './claims.js';
import { dataEntries, type DataEntry } from './data-attempts.js';
import type { Finding } from './finding.js';

/**
 * Data connections that open and then carry nothing, or start and stop: not a port rule (the
 * connection got through) but something on the path that breaks the flow — a path-MTU black hole
 * (full-size packets dropped, ICMP "fragmentation needed" filtered), a proxy that accepts and
 * holds the connection, or a deep-inspection box.
 */

function transferOf(e: DataEntry) {
  return e.kind === 'passive' ? e.attempt.connections.find((c) => c.transfer)?.transfer : e.attempt.transfer;
}

export function dataStallFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  const stalled = dataEntries(log).filter(
    (e) => !claims.has(e) && (e.attempt.outcome === 'stalled' || e.attempt.outcome === 'no-data'),
  );
  if (stalled.length === 0) return [];
  for (const e of stalled) claims.claim(e);
  const anyBytes = stalled.some((e) => (transferOf(e)?.bytes ?? 0) > 0);
  const channel = stalled.every((e) => e.kind === 'active') ? 'active' : 'passive';
  return [
    {
      code: 'DATA_STALLED',
      severity: 'error',
      channel,
      title: anyBytes ? 'Data connections open, start, then stall' : 'Data connections open but no data arrives',
      evidence: stalled.map((e) => {
        const t = transferOf(e);
        return {
          ref: e.ref,
          fact: `${e.attempt.command} (${e.attempt.protection === 'private' ? 'TLS' : 'clear'}): ${e.attempt.outcome}${t ? `, ${t.bytes} bytes in ${t.totalMs} ms${t.firstByteMs !== undefined ? `, first byte at ${t.firstByteMs} ms` : ''}` : ''}`,
        };
      }),
      rule: anyBytes
        ? 'The data connection gets through, but the transfer stops part-way: typically a path-MTU black hole (large packets dropped and the ICMP "fragmentation needed" reply filtered) or an inspecting middlebox.'
        : 'The data connection opens, but nothing is ever delivered on it: a proxy or firewall may complete the handshake itself and hold the connection, or the server could not start the transfer.',
      where: 'path',
      actor: 'network-admin',
      fix: anyBytes
        ? [
            'Test the path MTU: ping -M do -s 1472 SERVER (Linux) shows whether 1500-byte packets get through.',
            'Ask your network admin to allow ICMP "fragmentation needed" (type 3 code 4) or to clamp the TCP MSS on the router.',
          ]
        : [
            "Ask your network admin whether a proxy intercepts these connections; ask the server's admin for the server's log of the transfer.",
          ],
      examples: anyBytes
        ? [
            {
              system: 'nftables',
              text: '# on the router: clamp MSS to the path MTU\nnft add rule inet filter forward tcp flags syn tcp option maxseg size set rt mtu',
            },
            {
              system: 'iptables',
              text: 'iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu',
            },
          ]
        : [],
    },
  ];
}
