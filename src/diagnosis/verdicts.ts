import { isNegative, isPreliminary, rangesText } from '../ftp/index.js';
import type { ObservationLog, Reply, SweepObservation, TlsObservation } from '../observation/index.js';
import { acrossAddresses } from './address-verdicts.js';
import { describeConnect } from './connect-facts.js';
import { policyWords, tlsReusePolicy } from './tls-reuse-policy.js';
import { controlFallbackWords } from './control-fallback-findings.js';
import {
  activeEntries,
  countedAttempts,
  dataEntries,
  overTls,
  passiveEntries,
  worked,
  type DataEntry,
} from './data-attempts.js';
import type { Channel, ChannelVerdict, Diagnosis, Verdicts } from './finding.js';
import { isResourceErrno } from './local-resource.js';
import { answeredRuns, blockedSegments, reachableRuns, sweepEvidence, type BlockedSegment } from './sweep-blocks.js';

/**
 * Per-channel verdicts from what was observed: ok, partial (some of it works), blocked (none of it
 * works), error (could not be tested, and why), skipped (not asked for). The overall verdict reads
 * only the channels the user requires, plus control, which every channel needs.
 */

const verdict = (status: ChannelVerdict['status'], summary: string): ChannelVerdict => ({ status, summary });

/** How an untrusted certificate came to be accepted, as the TLS verdict says it. */
const ACCEPTED_BY: Record<NonNullable<TlsObservation['acceptedBy']>, string> = {
  insecure: 'with --insecure',
  fingerprint: 'by its --trust-fingerprint',
  user: 'by you when asked',
};

function controlVerdict(log: ObservationLog): ChannelVerdict {
  if (log.resolve?.error)
    return verdict('error', `DNS lookup of ${log.resolve.host} failed (${log.resolve.error.code})`);
  const c = log.control.connect;
  if (!c) return verdict('error', 'not tested: the run stopped before connecting');
  if (c.state === 'aborted') return verdict('error', 'interrupted while connecting');
  if (c.state === 'local-error' && isResourceErrno(c.errno))
    return verdict('error', `could not try: ${describeConnect(c)}`);
  if (c.state !== 'open') return verdict('blocked', describeConnect(c) + controlFallbackWords(log));
  if (log.control.closedEarly?.code === 'E_LOCAL_RESOURCE')
    return verdict('error', `could not finish: ${log.control.closedEarly.reason}`);
  const g = log.control.greeting;
  if (!g) return verdict('error', `connected in ${c.elapsedMs} ms, then the run stopped before the greeting`);
  if (g.kind !== 'ftp')
    return verdict(
      'blocked',
      `connected, but ${g.kind === 'ftp-busy' ? 'the server refuses service (421)' : `not an FTP server (${g.kind})`}`,
    );
  if (log.login && !log.login.ok)
    return verdict('ok', `connected in ${c.elapsedMs} ms; FTP server answers; login refused`);
  return verdict('ok', `connected in ${c.elapsedMs} ms; FTP server answers${log.login?.ok ? '; logged in' : ''}`);
}

/** Why data channels could not be tested, when the control session did not get that far. */
function prerequisiteMissing(log: ObservationLog, control: ChannelVerdict): string | undefined {
  if (control.status !== 'ok') return `not tested: control channel ${control.status}`;
  if (log.login && !log.login.ok) return 'not tested: login refused';
  const tls = log.tls;
  // With --tls-auto the check goes on in plain text after a refused AUTH TLS (older logs say so only by
  // the refusal) or, anonymously, after a failed handshake or an untrusted certificate.
  const refused = tls?.authReply !== undefined && authRefused(tls.authReply);
  const fellBackToPlain = tls?.requested === 'auto' && (tls.fellBackToPlain === true || refused);
  if (tls && !tls.established && !fellBackToPlain) return 'not tested: TLS failed';
  return undefined;
}

function tlsVerdict(log: ObservationLog, control: ChannelVerdict): ChannelVerdict {
  const tls = log.tls;
  if (!tls) {
    if (log.settings.tls === 'off') return verdict('skipped', 'not requested (--tls, --tls-auto or --implicit-tls)');
    return verdict(
      'error',
      control.status === 'ok'
        ? 'not tested: the run stopped before TLS'
        : `not tested: control channel ${control.status}`,
    );
  }
  if (tls.authReply && authRefused(tls.authReply))
    return verdict('blocked', `the server refused AUTH TLS (${tls.authReply.code})`);
  if (!tls.established) return verdict('blocked', `TLS handshake failed: ${tls.error?.message ?? 'unknown error'}`);
  let base = `${tls.protocol ?? 'TLS'} established${tls.insecureAccepted && tls.authorizationError ? ` (untrusted certificate accepted ${ACCEPTED_BY[tls.acceptedBy ?? 'insecure']}: ${tls.authorizationError})` : ''}`;
  const policy = tlsReusePolicy(log);
  if (policy) base += `; ${policyWords(policy)}`;
  const protectedData = countedAttempts(dataEntries(log).filter(overTls));
  if (protectedData.length === 0) return verdict('ok', `${base}; no data connection tested over it`);
  const good = protectedData.filter(worked).length;
  if (good === protectedData.length) return verdict('ok', `${base}; data over TLS works (${good} of ${good})`);
  if (good === 0)
    return verdict(
      'blocked',
      `${base}, but no data connection over the TLS session worked (0 of ${protectedData.length})`,
    );
  return verdict('partial', `${base}; data over the TLS session worked ${good} of ${protectedData.length} times`);
}

function passiveNeverLeftThisComputer(e: DataEntry): boolean {
  return (
    e.kind === 'passive' &&
    e.attempt.connections.length > 0 &&
    e.attempt.connections.every((c) => c.connect.state === 'local-error')
  );
}

/** A passive attempt that only worked by ignoring the address the server advertised. */
function onlyViaControlPeer(e: DataEntry): boolean {
  return e.kind === 'passive' && worked(e) && e.attempt.connections.at(-1)?.via === 'control-peer';
}

function dataVerdict(
  log: ObservationLog,
  control: ChannelVerdict,
  entries: DataEntry[],
  channel: 'passive' | 'active',
): ChannelVerdict {
  const tried = countedAttempts(entries);
  const sweep = channel === 'passive' ? sweepEvidence(log) : undefined;
  const segments = sweep ? blockedSegments(sweep) : [];
  const missing = prerequisiteMissing(log, control);
  if (channel === 'passive' && log.sweep && log.control.serverGone)
    return verdict('error', `not fully tested: ${log.control.serverGone}`);
  // A sweep alone cannot vouch for a channel whose data connections never got the chance to run.
  if (tried.length === 0 && missing) return verdict('error', missing);
  if (tried.length === 0 && !sweep)
    return entries.length > 0 ? verdict('error', 'interrupted') : verdict('skipped', 'not run');
  if (channel === 'active' && tried.every((e) => e.kind === 'active' && 'error' in e.attempt.listen)) {
    return verdict('error', 'could not listen for the server on this computer');
  }
  // This computer could not even open the data connections (EMFILE…): untested, not blocked.
  if (channel === 'passive' && tried.length > 0 && tried.every(passiveNeverLeftThisComputer)) {
    return verdict('error', 'could not open the data connections on this computer');
  }
  const good = tried.filter(worked);
  const indirect = good.filter(onlyViaControlPeer).length;
  const sweepText = sweep
    ? segments.length
      ? `; sweep: ${rangesText(segments.map((s) => [s.from, s.to]))} blocked${refusedWords(sweep)}`
      : `; sweep: ${unblockedWords(sweep)}`
    : '';
  const attempts = tried.length
    ? `${good.length} of ${tried.length} ${channel} data connections worked${indirect ? ` (${indirect} only via the control address)` : ''}${good.length < tried.length ? plainNotCompared(log, tried) : ''}`
    : 'no data connection tried';
  // Samples that all landed on blocked ports do not make a range blocked that the sweep found partly open.
  const sweepPartlyOpen = sweep !== undefined && segments.length > 0 && partlyOpen(sweep, segments);
  if (tried.length > 0 && good.length === 0)
    return verdict(sweepPartlyOpen ? 'partial' : 'blocked', attempts + sweepText);
  if (tried.length === 0 && sweep && segments.length > 0 && !sweepPartlyOpen)
    return verdict('blocked', attempts + sweepText);
  if (good.length < tried.length || segments.length > 0 || indirect > 0)
    return verdict('partial', attempts + sweepText);
  return verdict('ok', attempts + sweepText);
}

/**
 * Data over TLS failed and no plain-text session ran, because the login has a password and the user
 * did not consent to sending it in clear: whether an FTP helper would have let plain FTP through is
 * unknown, and the summary says so and how to find out (issue 12).
 */
function plainNotCompared(log: ObservationLog, tried: DataEntry[]): string {
  const password = log.settings.passwordSupplied && log.settings.comparePlain !== true;
  if (!password || !log.tls?.established || tried.some((e) => !overTls(e))) return '';
  return '; not compared with plain FTP (your password would cross the network unencrypted): run again with --compare-plain to see whether plain FTP gets through an FTP helper';
}

/**
 * Whether the sweep shows part of the range getting through beside its blocked segments. Where the
 * block is a drop or an ICMP reject, a port that answered with a reset is past that rule; where the
 * block is itself a reset, a refused port may be the same rule, so only a port that connected counts.
 */
function partlyOpen(sweep: SweepObservation, segments: BlockedSegment[]): boolean {
  if (reachableRuns(sweep).length > 0) return true;
  return !segments.some((s) => s.how === 'reset') && answeredRuns(sweep).length > 0;
}

/** The sweep found no block: what its ports proved, without calling a refused port reachable. */
function unblockedWords(sweep: SweepObservation): string {
  const open = sweep.counts.open ?? 0;
  const refused = sweep.counts.refused ?? 0;
  if (refused === 0) return `all ${sweep.portsTested} ports reachable`;
  return `none of ${sweep.portsTested} ports dropped or rejected by ICMP (${open} open, ${refused} refused: closed, or rejected by a rule)`;
}

function refusedWords(sweep: SweepObservation): string {
  const refused = sweep.counts.refused ?? 0;
  return refused ? `, ${refused} refused (closed, or rejected by a rule: unknown)` : '';
}

export function channelVerdicts(log: ObservationLog): Verdicts {
  const control = controlVerdict(log);
  const verdicts: Verdicts = acrossAddresses(log, {
    control,
    tls: tlsVerdict(log, control),
    passive: dataVerdict(log, control, passiveEntries(log), 'passive'),
    active: dataVerdict(log, control, activeEntries(log), 'active'),
  });
  return log.control.serverGone ? cutShort(verdicts, log.control.serverGone) : verdicts;
}

/** The server died mid-run: what failed after that was not tested, so it is no evidence of a block. */
function cutShort(verdicts: Verdicts, gone: string): Verdicts {
  const untested = (v: ChannelVerdict): ChannelVerdict =>
    v.status === 'blocked' || v.status === 'partial'
      ? verdict('error', `not fully tested: ${gone} (before that: ${v.summary})`)
      : v;
  return {
    control: verdicts.control,
    tls: untested(verdicts.tls),
    passive: untested(verdicts.passive),
    active: untested(verdicts.active),
  };
}

export function overallVerdict(channels: Verdicts, required: Channel[]): Diagnosis['verdict'] {
  const needed = [...new Set<Channel>(['control', ...required])].map((c) => channels[c].status);
  if (channels.control.status === 'error') return 'error';
  if (needed.includes('blocked')) return 'blocked';
  if (needed.includes('partial')) return 'problems';
  if (needed.includes('error') || needed.includes('skipped')) return 'error';
  return 'ok';
}

/** AUTH TLS answered with anything but 234 (RFC 4217 §4): a 4yz/5yz refusal, or a reply out of place. */
function authRefused(reply: Reply): boolean {
  return isNegative(reply) || isPreliminary(reply);
}
