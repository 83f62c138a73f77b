import { classifyAddress, endpoint, isNonRoutable, isPositive, rangesText, sameAddress } from '../ftp/index.js';
import type { ObservationLog } from '../observation/index.js';
import type { ClaimRecorder } from './claims.js';
import { describeReply } from './connect-facts.js';
import { activeEntries, failureWords, refusedForClearData, type ActiveEntry } from './data-attempts.js';
import type { Evidence, Finding } from './finding.js';
import { allowRuleExamples } from './firewall-examples.js';
import { serverAdvice } from './server-advice.js';

/**
 * Active mode (RFC 959 §4.1.2 PORT, RFC 2428 §2 EPRT): the server connects back to us. Either our
 * PORT names an address the server cannot reach (we are behind NAT), or the inbound connection
 * is stopped on the way (this computer's firewall or the router), or the server will not do it.
 */

const INBOUND_FAILURES = new Set(['no-inbound', 'server-connect-failed', 'command-refused']);

/**
 * The server accepted PORT and nothing ever arrived, however the attempt ended (logs from before the
 * engine recorded a LIST reply that never came as 'no-inbound' have it as 'error').
 */
function inboundNeverCame(e: ActiveEntry): boolean {
  const a = e.attempt;
  return (
    INBOUND_FAILURES.has(a.outcome) ||
    (a.outcome === 'error' && isPositive(a.portReply) && !a.inbound?.arrived && !a.transfer)
  );
}

export function activeFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  const all = activeEntries(log);
  const failedEntries = all.filter((e) => !claims.has(e) && inboundNeverCame(e) && !refusedForClearData(e, all));
  const nat = failedEntries.filter((e) => natEvidence(log, e) !== undefined);
  const inbound = failedEntries.filter((e) => !nat.includes(e) && e.attempt.outcome !== 'command-refused');
  const refused = failedEntries.filter((e) => !nat.includes(e) && e.attempt.outcome === 'command-refused');
  for (const e of failedEntries) claims.claim(e);
  return [
    ...(nat.length ? [natFinding(log, nat)] : []),
    ...(inbound.length ? [inboundFinding(log, inbound)] : []),
    ...(refused.length ? [refusedFinding(log, refused)] : []),
  ];
}

/** Why we believe the PORT address is not ours as seen from the server, or undefined. */
function natEvidence(log: ObservationLog, e: ActiveEntry): Evidence | undefined {
  const adv = e.attempt.advertised;
  if (!adv) return undefined;
  const peer = log.serverView?.peer;
  if (peer) {
    return sameAddress(peer.address, adv.address)
      ? undefined
      : {
          ref: '/serverView/peer',
          fact: `the server sees this computer as ${peer.address}, but ${e.attempt.command} named ${adv.address}`,
        };
  }
  const server = log.control.connect?.address;
  if (server && isNonRoutable(adv.addressClass) && !isNonRoutable(classifyAddress(server))) {
    return {
      ref: `${e.ref}/advertised`,
      fact: `${e.attempt.command} named ${adv.address} (${adv.addressClass}) while the server is at the public address ${server}`,
    };
  }
  return undefined;
}

function attemptEvidence(e: ActiveEntry): Evidence[] {
  const a = e.attempt;
  return [
    ...(a.sentArgument
      ? [
          {
            ref: `${e.ref}/sentArgument`,
            fact: `sent ${a.command} ${a.sentArgument}${a.portReply ? `: ${describeReply(a.portReply)}` : ''}`,
          },
        ]
      : []),
    { ref: e.ref, fact: failureWords(e) },
  ];
}

function serverOf(log: ObservationLog): string {
  return log.control.connect?.address ?? log.settings.host;
}

function natFinding(log: ObservationLog, entries: ActiveEntry[]): Finding {
  const first = entries[0]!;
  const seenAs = log.serverView?.peer?.address;
  const refused = entries.some((e) => e.attempt.outcome === 'command-refused');
  const evidence = entries.flatMap((e) => [natEvidence(log, e)!, ...attemptEvidence(e)]);
  return {
    code: 'ACTIVE_NAT',
    severity: 'error',
    channel: 'active',
    title: `Active mode names your private address ${first.attempt.advertised!.address}, which the server cannot reach`,
    how: 'nat',
    evidence,
    rule: `This computer is behind NAT: its ${first.attempt.command} names ${first.attempt.advertised!.address}${seenAs ? `, but the server sees it as ${seenAs}` : ''}. The server ${refused ? 'refused the command' : 'could not connect back'}.`,
    where: 'this-computer',
    actor: 'you',
    fix: [
      'Works today: use passive mode (the default in most clients), if the passive checks pass.',
      `For active mode, send your public address${seenAs ? ` ${seenAs}` : ''} (--external-ip; FileZilla "Use the following IP address"; lftp set ftp:port-ipv4) and forward the active port(s) ${rangesText([log.settings.activePorts])} on your router to this computer.`,
    ],
    examples: [
      {
        system: 'client',
        text: `ftpdoctor check ${log.settings.host} --external-ip ${seenAs ?? 'YOUR.PUBLIC.IP'}\nlftp -e 'set ftp:passive-mode off; set ftp:port-ipv4 ${seenAs ?? 'YOUR.PUBLIC.IP'}; set ftp:port-range ${log.settings.activePorts[0]}-${log.settings.activePorts[1]}' ${log.settings.host}`,
      },
    ],
  };
}

function inboundFinding(log: ObservationLog, entries: ActiveEntry[]): Finding {
  const server = serverOf(log);
  const first = entries[0]!.attempt;
  const listen = 'address' in first.listen ? first.listen : undefined;
  const ports = [
    ...new Set(
      entries.map((e) => e.attempt.advertised?.port ?? (('port' in e.attempt.listen && e.attempt.listen.port) || 0)),
    ),
  ]
    .filter((p) => p > 0)
    .sort((a, b) => a - b)
    .map((p) => [p, p] as [number, number]);
  const serverSaid = entries
    .flatMap((e) => e.attempt.listReplies.filter((r) => !isPositive(r)))
    .map((r) => describeReply(r));
  const target = listen
    ? endpoint(first.advertised?.address ?? listen.address, listen.port)
    : `port ${rangesText(ports)}`;
  const refusedByUs = serverSaid.some((t) => /refused/i.test(t));
  return {
    code: 'ACTIVE_INBOUND_BLOCKED',
    severity: 'error',
    channel: 'active',
    title: `The server's connection back to ${target} (active mode) does not arrive`,
    how: refusedByUs ? 'reset' : 'drop',
    evidence: entries.flatMap(attemptEvidence),
    rule: `Inbound TCP from ${server} to this computer's port ${rangesText(ports)} ${refusedByUs ? 'is rejected (the server was told "connection refused" while we were listening)' : 'is blocked'}: by this computer's firewall or by your router/NAT.`,
    where: 'unknown',
    actor: 'you',
    fix: [
      ...(log.passive.some((p) => p.outcome === 'ok') ? ['Works today: use passive mode — it gets through.'] : []),
      `Allow inbound TCP from ${server} to port(s) ${rangesText(ports.length ? ports : [log.settings.activePorts])} in this computer's firewall; behind a router, also forward them to this computer.`,
    ],
    examples: allowRuleExamples({
      direction: 'inbound',
      remote: server,
      ports: ports.length ? ports : [log.settings.activePorts],
      purpose: `FTP active data from ${server}`,
    }),
    ports,
  };
}

function refusedFinding(log: ObservationLog, entries: ActiveEntry[]): Finding {
  return {
    code: 'ACTIVE_INBOUND_BLOCKED',
    severity: 'error',
    channel: 'active',
    title: 'The server refuses active mode (PORT/EPRT)',
    evidence: entries.flatMap(attemptEvidence),
    rule: 'Not a firewall on your side: the server refused the active-mode command, so it will not connect back to you at all.',
    where: 'server-side',
    actor: 'server-admin',
    fix: [
      ...(log.passive.some((p) => p.outcome === 'ok') ? ['Works today: use passive mode.'] : []),
      `Ask the server's admin whether active mode is disabled or limited to certain addresses (${serverAdvice(log.serverSoftware).activeMode}).`,
    ],
    examples: [],
  };
}
