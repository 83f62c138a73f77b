import { decodePasvReply, isNonRoutable, mergeRanges, rangesText, sameAddress } from '../ftp/index.js';
import type { ConnectOutcome, ObservationLog, SweepObservation } from '../observation/index.js';
import type { ClaimRecorder } from './claims.js';
import { blockKindOfConnect, blockVerb, describeConnect, describeReply } from './connect-facts.js';
import { failed, failureWords, passiveEntries, worked, type PassiveEntry } from './data-attempts.js';
import type { BlockKind, Evidence, Finding } from './finding.js';
import { allowRuleExamples } from './firewall-examples.js';
import { resetExtent, resetExtentWords } from './reset-extent.js';
import {
  answeredRuns,
  blockedSegments,
  isBlockingState,
  reachableRuns,
  segmentEvidence,
  sweepEvidence,
  sweepStateAt,
  type BlockedSegment,
} from './sweep-blocks.js';
import { serverAdvice } from './server-advice.js';

/**
 * Passive mode (RFC 959 §4.1.2 PASV / 227, RFC 2428 §3 EPSV / 229): the address the server
 * advertises, EPSV against PASV, and which of the server's data ports we cannot reach, from the
 * PASV samples and the port sweep together.
 */

export function passiveFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  return [...addressFindings(log, claims), ...epsvFindings(log, claims), ...portBlockFindings(log, claims)];
}

/** The 227 as the server sent it differs from what we received: the ALG finding explains the address. */
function rewrittenInTransit(entry: PassiveEntry): boolean {
  const { serverSent, reply } = entry.attempt;
  if (!serverSent || !reply) return false;
  const sent = decodePasvReply(serverSent);
  const got = decodePasvReply(reply.text);
  return sent.ok && got.ok && (sent.value.address !== got.value.address || sent.value.port !== got.value.port);
}

function addressFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  const odd = passiveEntries(log).filter((e) => {
    const adv = e.attempt.advertised;
    return (
      e.attempt.command === 'PASV' &&
      adv !== undefined &&
      !sameAddress(adv.address, e.attempt.controlPeer) &&
      !rewrittenInTransit(e)
    );
  });
  const privateOnes = odd.filter((e) => isNonRoutable(e.attempt.advertised!.addressClass));
  const publicOnes = odd.filter((e) => !isNonRoutable(e.attempt.advertised!.addressClass));
  return [
    ...(privateOnes.length ? [addressFinding(log, claims, privateOnes, 'PASV_PRIVATE_ADDRESS')] : []),
    ...(publicOnes.length ? [addressFinding(log, claims, publicOnes, 'PASV_ADDRESS_MISMATCH')] : []),
  ];
}

function addressFinding(
  log: ObservationLog,
  claims: ClaimRecorder,
  entries: PassiveEntry[],
  code: 'PASV_PRIVATE_ADDRESS' | 'PASV_ADDRESS_MISMATCH',
): Finding {
  const first = entries[0]!.attempt;
  const advice = serverAdvice(log.serverSoftware);
  const serverExample = advice.pasvAddressExample(first.controlPeer);
  const adv = first.advertised!;
  const evidence: Evidence[] = [];
  let workaroundWorked = false;
  let workaroundTried = false;
  for (const e of entries) {
    const a = e.attempt;
    if (a.reply)
      evidence.push({
        ref: `${e.ref}/reply`,
        fact: `${a.command}: ${describeReply(a.reply)} — advertises ${a.advertised!.address} (${a.advertised!.addressClass}), but the control connection goes to ${a.controlPeer}`,
      });
    if (a.advertisedSkipped)
      evidence.push({
        ref: `${e.ref}/advertisedSkipped`,
        fact: `did not connect to the advertised address: ${a.advertisedSkipped}`,
      });
    a.connections.forEach((c, j) => {
      evidence.push({
        ref: `${e.ref}/connections/${j}`,
        fact: `via ${c.via}: ${describeConnect(c.connect)}${c.transfer ? `, transfer ${c.transfer.result} (${c.transfer.bytes} bytes)` : ''}`,
      });
      if (c.via === 'control-peer') {
        workaroundTried = true;
        if (a.outcome === 'ok' && c.transfer?.result === 'complete') workaroundWorked = true;
      }
    });
    const controlPeerBlocked = a.connections.some((c) => c.via === 'control-peer' && c.connect.state !== 'open');
    if (!controlPeerBlocked) claims.claim(e);
  }
  const tested = workaroundWorked
    ? `Tested: connecting to the control address ${first.controlPeer} instead works.`
    : workaroundTried
      ? `Tested: connecting to the control address ${first.controlPeer} instead does not work either.`
      : 'Connecting to the control address instead was not tested.';
  const isPrivate = code === 'PASV_PRIVATE_ADDRESS';
  return {
    code,
    severity: workaroundWorked ? 'warning' : 'error',
    channel: 'passive',
    title: isPrivate
      ? `The server advertises its private address ${adv.address} in PASV replies${workaroundWorked ? ' (using the control address works)' : ''}`
      : `The server advertises a different address ${adv.address} in PASV replies${workaroundWorked ? ' (using the control address works)' : ''}`,
    how: isPrivate ? 'nat' : undefined,
    evidence,
    rule: isPrivate
      ? `The server sits behind NAT and is not configured with its public address, so its 227 replies name ${adv.address}, which cannot be reached from outside. ${tested}`
      : `The 227 replies name ${adv.address}, not the address you connected to (${first.controlPeer}): a wrong external-address setting, a load balancer, or a multi-homed server. ${tested}`,
    where: 'server-side',
    actor: 'server-admin',
    fix: [
      `Ask the server's admin to advertise the public address ${first.controlPeer}: ${advice.pasvAddress(first.controlPeer)}.`,
      workaroundWorked
        ? 'Works today: use a client that ignores the PASV address (curl by default, lftp ftp:fix-pasv-address, FileZilla "use the server\'s external IP address instead"), or EPSV, which carries no address (RFC 2428 §3).'
        : 'Use EPSV if the server supports it (it carries no address, RFC 2428 §3), or active mode if that works.',
    ],
    examples: [
      ...(serverExample ? [{ system: 'server' as const, text: serverExample }] : []),
      {
        system: 'client',
        text: `curl --ftp-skip-pasv-ip ftp://${first.controlPeer}/\nlftp -e 'set ftp:fix-pasv-address true' ${first.controlPeer}`,
      },
    ],
  };
}

function advertisedPort(e: PassiveEntry): number | undefined {
  return e.attempt.advertised?.port;
}

/** The sweep shows the EPSV ports blocked and the PASV ports reachable: a port range, not EPSV. */
function sweepExplains(sweep: SweepObservation | undefined, epsv: PassiveEntry[], pasv: PassiveEntry[]): boolean {
  if (!sweep) return false;
  const blocked = (p: number | undefined) => {
    const state = p === undefined ? undefined : sweepStateAt(sweep, p);
    return state !== undefined && isBlockingState(state);
  };
  return epsv.every((e) => blocked(advertisedPort(e))) && pasv.every((e) => !blocked(advertisedPort(e)));
}

const EPSV_FAILURES = new Set(['command-refused', 'bad-reply', 'connect-failed']);

function epsvFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  const out: Finding[] = [];
  for (const protection of ['clear', 'private'] as const) {
    const entries = passiveEntries(log).filter((e) => e.attempt.protection === protection && !claims.has(e));
    const epsv = entries.filter((e) => e.attempt.command === 'EPSV');
    const pasv = entries.filter((e) => e.attempt.command === 'PASV');
    if (epsv.length === 0 || pasv.length === 0) continue;
    if (!epsv.every((e) => failed(e) && EPSV_FAILURES.has(e.attempt.outcome)) || !pasv.every(worked)) continue;
    if (sweepExplains(sweepEvidence(log), epsv, pasv)) continue;
    for (const e of epsv) claims.claim(e);
    const refused = epsv.every((e) => e.attempt.outcome === 'command-refused' || e.attempt.outcome === 'bad-reply');
    // The ports EPSV named and we could not reach, so a rule of this computer's own firewall can be matched.
    const unreachable = mergeRanges(
      epsv.flatMap((e) =>
        e.attempt.outcome === 'connect-failed' && e.attempt.advertised
          ? [[e.attempt.advertised.port, e.attempt.advertised.port] as [number, number]]
          : [],
      ),
    );
    out.push({
      code: 'EPSV_BLOCKED_PASV_OK',
      severity: refused ? 'info' : 'warning',
      channel: 'passive',
      title: refused ? 'EPSV is refused, PASV works' : 'EPSV data connections fail while PASV ones work',
      evidence: [
        ...epsv.map((e) => ({
          ref: e.ref,
          fact: `EPSV: ${e.attempt.reply ? describeReply(e.attempt.reply) + '; ' : ''}${failureWords(e)}`,
        })),
        ...pasv
          .slice(0, 2)
          .map((e) => ({ ref: e.ref, fact: `PASV: data transfer complete via port ${advertisedPort(e) ?? '?'}` })),
      ],
      rule: refused
        ? 'The server (or an FTP-inspecting firewall in front of it) does not accept EPSV (RFC 2428); PASV works.'
        : 'A firewall admits the data ports announced in 227 (PASV) replies but not those in 229 (EPSV) replies: an FTP-inspecting firewall or helper that only understands PASV.',
      where: refused ? 'server-side' : 'path',
      actor: refused ? 'you' : 'network-admin',
      fix: [
        'Works today: use PASV instead of EPSV (curl --disable-epsv; lftp set ftp:prefer-epsv false; most clients fall back by themselves).',
        ...(refused
          ? []
          : [
              "Ask your network admin to update the firewall's FTP inspection to handle EPSV, or to allow the passive range by rule.",
            ]),
      ],
      examples: [
        { system: 'client', text: "curl --disable-epsv ftp://HOST/\nlftp -e 'set ftp:prefer-epsv false' HOST" },
      ],
      ...(unreachable.length ? { ports: unreachable } : {}),
    });
  }
  return out;
}

interface PortBlock {
  from: number;
  to: number;
  how: BlockKind | 'middlebox';
  evidence: Evidence[];
}

/** A failed data connect to a port the server had just advertised: the server listened, so even a reset is a firewall. */
function attemptBlocks(
  entries: PassiveEntry[],
): Array<{ connect: ConnectOutcome; ref: string; how: BlockKind; entry: PassiveEntry }> {
  return entries.flatMap((e) =>
    e.attempt.connections.flatMap((c, j) => {
      if (!sameAddress(c.connect.address, e.attempt.controlPeer)) return [];
      const how = blockKindOfConnect(c.connect.state, true);
      return how ? [{ connect: c.connect, ref: `${e.ref}/connections/${j}/connect`, how, entry: e }] : [];
    }),
  );
}

function portBlockFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  const entries = passiveEntries(log).filter((e) => !claims.has(e) && e.attempt.outcome === 'connect-failed');
  const sweep = sweepEvidence(log);
  const segments: Array<BlockedSegment & { evidence: Evidence[] }> = sweep
    ? blockedSegments(sweep).map((s) => ({ ...s, evidence: segmentEvidence(sweep, s) }))
    : [];
  const blocks: PortBlock[] = segments.map((s) => ({ from: s.from, to: s.to, how: s.how, evidence: s.evidence }));
  for (const hit of attemptBlocks(entries)) {
    const fact = `${hit.entry.attempt.command} advertised port ${hit.connect.port}; ${describeConnect(hit.connect)}`;
    const inside = blocks.find((b) => hit.connect.port >= b.from && hit.connect.port <= b.to);
    if (inside) inside.evidence.push({ ref: hit.ref, fact });
    else
      blocks.push({ from: hit.connect.port, to: hit.connect.port, how: hit.how, evidence: [{ ref: hit.ref, fact }] });
    claims.claim(hit.entry);
  }
  if (blocks.length === 0) return [];
  const byHow = new Map<PortBlock['how'], PortBlock[]>();
  for (const b of blocks.sort((x, y) => x.from - y.from)) byHow.set(b.how, [...(byHow.get(b.how) ?? []), b]);
  return [...byHow.entries()].map(([how, group]) => portBlockFinding(log, how, group));
}

function portBlockFinding(log: ObservationLog, how: PortBlock['how'], group: PortBlock[]): Finding {
  const sweep = sweepEvidence(log);
  const server = sweep?.address ?? log.control.connect?.address ?? log.settings.host;
  const ports = group.map((b) => [b.from, b.to] as [number, number]);
  const requested = sweep?.ranges ?? log.settings.ranges;
  const whole = requested.every(([f, t]) => ports.some(([a, b]) => a <= f && b >= t));
  const extent = how === 'reset' ? resetExtent(log, sweep) : undefined;
  // Ports known to get through: the reference server's answers; past a drop or ICMP rule, any port that
  // answered; past a reset rule, none (a refused port may be the rule itself).
  const through = !sweep ? [] : sweep.cooperative ? reachableRuns(sweep) : how === 'reset' ? [] : answeredRuns(sweep);
  const reachable = through.map((r) => [r.from, r.to] as [number, number]);
  const helperOpened = passiveEntries(log).filter(
    (e) =>
      worked(e) &&
      e.attempt.advertised &&
      ports.some(([a, b]) => e.attempt.advertised!.port >= a && e.attempt.advertised!.port <= b),
  );
  const activeWorks = log.active.some((a) => a.outcome === 'ok');
  const single = ports.length === 1 && ports[0]![0] === ports[0]![1];
  const portWords = `${single ? 'port' : 'ports'} ${rangesText(ports)}${whole ? ' (the whole passive range)' : ''}`;
  const rule =
    how === 'middlebox'
      ? `Connections to ${server} ${portWords} are answered by something other than the FTP server: a proxy or middlebox intercepts them.`
      : `Outbound TCP to ${server} ${portWords} ${blockVerb(how)}${how === 'drop' ? ' somewhere between you and the server' : ''}.` +
        (helperOpened.length
          ? ` Plain-text passive data to port ${helperOpened[0]!.attempt.advertised!.port} still worked: an FTP helper opens single ports it sees announced, which it cannot do under TLS.`
          : '');
  const resetCaveat = extent ? resetExtentWords(extent, ports) : '';
  const sampled =
    sweep?.mode === 'sample'
      ? ' (sampled: boundaries are only as exact as the samples; run --sweep full to get them exactly)'
      : '';
  return {
    code: 'PASSIVE_PORTS_BLOCKED',
    severity: 'error',
    channel: 'passive',
    title:
      extent?.kind === 'likely-whole'
        ? `Passive data connections to ${server} are rejected with a TCP reset (every announced port: ${rangesText(ports)}; likely the whole range)`
        : `${whole ? 'All passive data ports' : 'Some passive data ports'} to ${server} are blocked (${rangesText(ports)}, ${howWords(how)})`,
    how: how === 'middlebox' ? undefined : how,
    evidence: group.flatMap((b) => b.evidence),
    rule: rule + resetCaveat + sampled,
    where: 'path',
    actor: 'network-admin',
    fix: [
      `Ask your network admin to allow outbound TCP to ${server} ports ${rangesText(requested)} (the server's passive range).`,
      "If your side allows all outbound traffic, the server's own firewall must admit that range: ask the server's admin.",
      ...(activeWorks ? ['Works today: active mode gets through — use it until the rule is fixed.'] : []),
      ...(reachable.length && !whole
        ? [
            `Works meanwhile: ask the server's admin to limit its passive range to ports that get through (${rangesText(reachable)}; ${serverAdvice(log.serverSoftware).passiveRange}).`,
          ]
        : []),
    ],
    examples: allowRuleExamples({
      direction: 'outbound',
      remote: server,
      ports: requested,
      purpose: `FTP passive data to ${server}`,
    }),
    ports,
  };
}

function howWords(how: PortBlock['how']): string {
  switch (how) {
    case 'drop':
      return 'dropped';
    case 'icmp-reject':
      return 'rejected with ICMP';
    case 'rate-limited-reject':
      return 'rejected with rate-limited ICMP';
    case 'reset':
      return 'reset by a firewall';
    case 'middlebox':
      return 'intercepted';
    default:
      return 'blocked';
  }
}
