import type { ObservationLog, Reply } from '../observation/index.js';
import type { ClaimRecorder } from './claims.js';
import { passiveEntries, type PassiveEntry } from './data-attempts.js';
import type { Evidence, Finding } from './finding.js';

/**
 * DATA_SOURCE_ADDRESS_CHANGED: the passive data connection reached the server, and the server
 * refused it because it came from another address than the control connection (RFC 2577 §4 asks
 * servers to check). Behind a carrier-grade NAT pool, a dual-WAN router or a load-balancing SNAT,
 * each connection may leave from a different public address. Each server says so in its own words;
 * the texts below were recorded in the lab (test/lab/data-source-suite.ts) with an SNAT pool that
 * translates only the data connections. proftpd 1.3.8 (default config) accepted such a connection;
 * pure-ftpd 1.0.50 closed it and never answered the transfer command, which looks like any other
 * failed transfer and is not claimed here. IIS (FTP 7 and later) refuses such a connection by default
 * too: its dataChannelSecurity matchClientAddressForPasv and matchClientAddressForPort default to
 * true (learn.microsoft.com/iis/configuration/system.applicationhost/sites/sitedefaults/ftpserver/
 * security/datachannelsecurity), but Microsoft documents no reply text for it (KB 969061 lists 425
 * with the RFC 959 wording only), so no IIS text is matched here.
 */

interface Refusal {
  server: string;
  pattern: RegExp;
}

const REFUSALS: readonly Refusal[] = [
  // vsftpd 3.0.3, pasv_promiscuous=NO (the default)
  { server: 'vsftpd', pattern: /^425 Security: Bad IP connecting/i },
  // the reference server names both addresses (src/server/passive-ports.ts, DataSocketSlot.refuse)
  {
    server: 'ftpdoctor reference server',
    pattern: /data connection from (\S+), not from the control connection's address (\S+?)\.?$/i,
  },
];

function refusalOf(entry: PassiveEntry): { reply: Reply; refusal: Refusal; index: number } | undefined {
  const opened = entry.attempt.connections.some((c) => c.connect.state === 'open');
  if (!opened) return undefined;
  for (const [index, reply] of entry.attempt.listReplies.entries()) {
    const refusal = REFUSALS.find((r) => r.pattern.test(reply.text));
    if (refusal) return { reply, refusal, index };
  }
  return undefined;
}

export function dataSourceFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  const matched = passiveEntries(log)
    .filter((e) => !claims.has(e))
    .map((entry) => ({ entry, found: refusalOf(entry) }))
    .filter((m): m is { entry: PassiveEntry; found: NonNullable<ReturnType<typeof refusalOf>> } => !!m.found);
  if (matched.length === 0) return [];
  for (const m of matched) claims.claim(m.entry);
  const named = matched.map((m) => m.found.refusal.pattern.exec(m.found.reply.text)).find((x) => x?.[1] !== undefined);
  const controlSeenAs = log.serverView?.peer?.address ?? named?.[2];
  const dataSeenAs = named?.[1];
  const evidence: Evidence[] = matched.slice(0, 4).map(({ entry, found }) => ({
    ref: `${entry.ref}/listReplies/${found.index}`,
    fact: `${entry.attempt.command} data connection to port ${entry.attempt.connections.at(-1)?.connect.port} opened, then the server answered: ${found.reply.text}`,
  }));
  if (controlSeenAs)
    evidence.push({
      ref: log.serverView?.peer ? '/serverView/peer' : evidence[0]!.ref,
      fact: `the server saw the control connection come from ${controlSeenAs}${dataSeenAs ? ` and the data connection from ${dataSeenAs}` : ''}`,
    });
  const server = matched[0]!.found.refusal.server;
  return [
    {
      code: 'DATA_SOURCE_ADDRESS_CHANGED',
      severity: 'error',
      channel: 'passive',
      title: `The data connection leaves from another address than the control connection${dataSeenAs && controlSeenAs ? ` (${dataSeenAs}, not ${controlSeenAs})` : ''}, and the server (${server}) refuses it`,
      how: 'nat',
      evidence,
      rule: "Not a blocked port: the data connection reached the server. Your side translates the FTP control and data connections to different public addresses (a carrier-grade NAT pool, a dual-WAN or load-balancing router), and the server accepts data only from the control connection's address.",
      where: 'path',
      actor: 'network-admin',
      fix: [
        'Make the FTP flows leave from one address: pin the client to one WAN link or one address of the NAT pool (a "sticky"/persistent source NAT, or a policy route for the server\'s address).',
        'If that is not possible, use SFTP or FTPS over one connection, or a VPN to the server.',
        'Last resort, on the server: accept data from other addresses (vsftpd pasv_promiscuous=YES, proftpd AllowForeignAddress on) — this lets anyone who guesses the port take the data (RFC 2577 §4).',
      ],
      examples: [],
    },
  ];
}
