import { classifyAddress, endpoint, isNonRoutable, isPositive, rangesText, sameAddress } from '../ftp/index.js';
import { type ObservationLog, SOFTWARE_LABEL } from '../observation/index.js';
import type { ClaimRecorder } from './claims.js';
import { describeReply } from './connect-facts.js';
import { activeEntries, failureWords, refusedForClearData, type ActiveEntry } from './data-attempts.js';
import type { Evidence, Finding } from './finding.js';
import { allowRuleExamples } from './firewall-examples.js';
import { foreignAddressRefusal, foreignPortPolicy } from './port-address-policy.js';
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
  const readings = new Map(failedEntries.map((e) => [e, natReading(log, e)] as const));
  const of = (kind: NatReading['kind']) => failedEntries.filter((e) => readings.get(e)?.kind === kind);
  const nat = of('nat');
  const ambiguous = of('ambiguous');
  const rest = failedEntries.filter((e) => !nat.includes(e) && !ambiguous.includes(e));
  const inbound = rest.filter((e) => e.attempt.outcome !== 'command-refused');
  const refused = rest.filter((e) => e.attempt.outcome === 'command-refused');
  for (const e of failedEntries) claims.claim(e);
  const noNat = inbound.flatMap((e) => {
    const r = readings.get(e);
    return r?.kind === 'no-nat' ? [r.evidence] : [];
  });
  return [
    ...(nat.length ? [natFinding(log, nat, readings)] : []),
    ...(ambiguous.length ? [natOrInboundFinding(log, ambiguous, readings)] : []),
    ...(inbound.length ? [inboundFinding(log, inbound, noNat)] : []),
    ...(refused.length ? [refusedFinding(log, refused)] : []),
  ];
}

/** What the server's answer to PORT/EPRT says about NAT between us (port-address-policy.ts). */
interface NatReading {
  /** nat: the server sees us elsewhere; no-nat: it sees us at the address named; ambiguous: cannot tell. */
  kind: 'nat' | 'no-nat' | 'ambiguous';
  evidence: Evidence;
  /** The address the server sees this computer at, where it said so. */
  seenAs?: string;
}

function natReading(log: ObservationLog, e: ActiveEntry): NatReading | undefined {
  const a = e.attempt;
  const adv = a.advertised;
  if (!adv) return undefined;
  const peer = log.serverView?.peer;
  if (peer) {
    return sameAddress(peer.address, adv.address)
      ? undefined
      : {
          kind: 'nat',
          seenAs: peer.address,
          evidence: {
            ref: '/serverView/peer',
            fact: `the server sees this computer as ${peer.address}, but ${a.command} named ${adv.address}`,
          },
        };
  }
  const refusal = foreignAddressRefusal(a.portReply);
  if (refusal && a.portReply) {
    return {
      kind: 'nat',
      ...refusal,
      evidence: {
        ref: `${e.ref}/portReply`,
        fact: `the server refused ${a.command} naming ${adv.address} as not this computer's address: ${describeReply(a.portReply)}${refusal.seenAs ? ` — it sees this computer as ${refusal.seenAs}` : ''}`,
      },
    };
  }
  const server = log.control.connect?.address;
  if (!server || !isNonRoutable(adv.addressClass) || isNonRoutable(classifyAddress(server))) return undefined;
  const software = log.serverSoftware;
  const name = software ? SOFTWARE_LABEL[software.name] : 'the server';
  const policy = foreignPortPolicy(software);
  if (policy === 'refuses') {
    // These servers check the address as the command arrives, before any connection: no refusal (a
    // positive reply, or none yet while pyftpdlib connects at PORT time) means the check passed.
    if (a.portReply && !isPositive(a.portReply)) return undefined;
    return {
      kind: 'no-nat',
      evidence: {
        ref: a.portReply ? `${e.ref}/portReply` : `${e.ref}/advertised`,
        fact: `${name} accepted ${a.command} naming ${adv.address} (${a.portReply ? describeReply(a.portReply) : 'no refusal'}); ${name} refuses an address other than the control connection's, so it sees this computer at ${adv.address}: no NAT between you`,
      },
    };
  }
  const why =
    policy === 'connects-to-peer'
      ? `${name} accepts an address other than the control connection's (it connects to the control peer instead)`
      : "how the server treats an address other than the control connection's is not known";
  return {
    kind: 'ambiguous',
    evidence: {
      ref: `${e.ref}/advertised`,
      fact: `${a.command} named ${adv.address} (${adv.addressClass}) while the server is at the public address ${server}; ${why}, so its answer does not tell whether it sees this computer there`,
    },
  };
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
    // The server's own verdict, come after the check had judged the attempt and moved on.
    ...(a.lateReply
      ? [
          {
            ref: `${e.ref}/lateReply`,
            fact: `the server answered ${a.listCommand ?? a.command} ${a.lateReply.afterMs} ms after it was sent: ${describeReply(a.lateReply)}`,
          },
        ]
      : []),
  ];
}

function serverOf(log: ObservationLog): string {
  return log.control.connect?.address ?? log.settings.host;
}

function natFinding(
  log: ObservationLog,
  entries: ActiveEntry[],
  readings: Map<ActiveEntry, NatReading | undefined>,
): Finding {
  const first = entries[0]!;
  const seenAs = entries.map((e) => readings.get(e)?.seenAs).find((a) => a !== undefined);
  const refused = entries.some((e) => e.attempt.outcome === 'command-refused');
  const evidence = entries.flatMap((e) => [readings.get(e)!.evidence, ...attemptEvidence(e)]);
  return {
    code: 'ACTIVE_NAT',
    severity: 'error',
    channel: 'active',
    title: `Active mode names your private address ${first.attempt.advertised!.address}, which the server cannot reach`,
    how: 'nat',
    evidence,
    rule: `This computer is behind NAT: its ${first.attempt.command} names ${first.attempt.advertised!.address}${seenAs ? `, but the server sees it as ${seenAs} (your public address)` : ''}. The server ${refused ? 'refused the command' : 'could not connect back'}.`,
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

function inboundFinding(log: ObservationLog, entries: ActiveEntry[], noNat: Evidence[] = []): Finding {
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
    evidence: [...noNat, ...entries.flatMap(attemptEvidence)],
    rule: `Inbound TCP from ${server} to this computer's port ${rangesText(ports)} ${refusedByUs ? 'is rejected (the server was told "connection refused" while we were listening)' : 'is blocked'}: ${noNat.length ? "the server sees this computer at the address it named, so no NAT stands between you: an inbound rule stops it, in this computer's firewall or a firewall on the way" : "by this computer's firewall or by your router/NAT"}.`,
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

/**
 * A private PORT address, a public server, and a server whose answer does not say where it sees us:
 * NAT and an inbound rule look the same from here, so the finding names both and what tells them apart.
 */
function natOrInboundFinding(
  log: ObservationLog,
  entries: ActiveEntry[],
  readings: Map<ActiveEntry, NatReading | undefined>,
): Finding {
  const inbound = inboundFinding(log, entries);
  const address = entries[0]!.attempt.advertised!.address;
  return {
    ...inbound,
    code: 'ACTIVE_NAT_OR_INBOUND',
    title: `The server's connection back to ${address} (active mode) does not arrive: NAT, or an inbound rule`,
    how: undefined,
    evidence: [...entries.map((e) => readings.get(e)!.evidence), ...inbound.evidence],
    rule: `Two causes look the same from here. Either this computer is behind NAT and the server cannot reach ${address}, or the network routes ${address} to the server without NAT and an inbound rule (this computer's firewall, or one on the way) stops the server's connection. What tells them apart: the address the server sees you at. A server that refuses a PORT naming another address (vsftpd, pure-ftpd, pyftpdlib by default) answers with a refusal behind NAT and accepts without it; the reference server (ftpdoctor serve) reports the address it sees; the server's log shows it too.`,
    where: 'unknown',
    fix: [
      ...inbound.fix,
      `If you are behind NAT, send your public address in PORT (--external-ip; FileZilla "Use the following IP address"; lftp set ftp:port-ipv4) and forward the active port(s) on your router.`,
    ],
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
