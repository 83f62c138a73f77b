import { isPositive } from '../ftp/index.js';
import type { ActiveAttempt, ObservationLog, PassiveAttempt, Reply } from '../observation/index.js';
import { describeConnect, describeReply } from './connect-facts.js';

/**
 * The data-channel attempts of a run, each with its place in the log (for evidence refs) and what
 * its result means (which finder explained which attempt: claims.ts).
 */

export interface PassiveEntry {
  kind: 'passive';
  ref: string;
  attempt: PassiveAttempt;
}

export interface ActiveEntry {
  kind: 'active';
  ref: string;
  attempt: ActiveAttempt;
}

export type DataEntry = PassiveEntry | ActiveEntry;

export function passiveEntries(log: ObservationLog): PassiveEntry[] {
  return log.passive.map((attempt, i) => ({ kind: 'passive', ref: `/passive/${i}`, attempt }));
}

export function activeEntries(log: ObservationLog): ActiveEntry[] {
  return log.active.map((attempt, i) => ({ kind: 'active', ref: `/active/${i}`, attempt }));
}

export function dataEntries(log: ObservationLog): DataEntry[] {
  return [...passiveEntries(log), ...activeEntries(log)];
}

export function worked(entry: DataEntry): boolean {
  return entry.attempt.outcome === 'ok';
}

export function failed(entry: DataEntry): boolean {
  return entry.attempt.outcome !== 'ok' && entry.attempt.outcome !== 'aborted';
}

/**
 * Whether the attempt ran over an encrypted control session. An FTP ALG reads PORT and 227 on the
 * control channel, so this (not PROT P/C of the data) is what blinds it; older logs without
 * controlTls had TLS data only on TLS sessions.
 */
export function overTls(entry: DataEntry): boolean {
  return entry.attempt.controlTls ?? entry.attempt.protection === 'private';
}

/** Data protection and control session in words: "PROT P over TLS", "plain session". */
export function sessionWords(entry: DataEntry): string {
  if (!overTls(entry)) return 'on a plain-text control session';
  return `on a TLS control session with ${entry.attempt.protection === 'private' ? 'PROT P (TLS data)' : 'PROT C (clear data)'}`;
}

/**
 * The attempts a verdict counts: not the interrupted ones, and not a refused EPSV while PASV works
 * (an old server) or a refused PASV while EPSV works (IPv6, where PASV cannot name the address,
 * RFC 2428 §1): clients simply use the other command.
 */
export function countedAttempts(entries: DataEntry[]): DataEntry[] {
  const works = new Set(entries.filter(worked).map((e) => e.attempt.command));
  const otherWorks = (e: DataEntry) =>
    (e.attempt.command === 'PASV' && works.has('EPSV')) || (e.attempt.command === 'EPSV' && works.has('PASV'));
  return entries.filter(
    (e) =>
      e.attempt.outcome !== 'aborted' &&
      !(e.attempt.outcome === 'command-refused' && otherWorks(e)) &&
      !refusedForClearData(e, entries),
  );
}

/**
 * A clear-data attempt (PROT C) that the server refused while the same command with PROT P worked
 * in this run: the server requires protected data connections (RFC 4217 §9 lets it refuse a
 * protection level it will not use), which is its policy, not a blocked path, and a client simply
 * uses PROT P. On a TLS session no FTP-inspecting firewall can have answered; a refusal on a plain
 * session counts only when the TLS session got the same refusal code for the same command. Decided
 * by those protocol facts, not by the wording (pyftpdlib: "550 SSL/TLS required on the data
 * channel." to PASV/PORT; vsftpd force_*_data_ssl: "522 Data connections must be encrypted.").
 */
export function refusedForClearData(entry: DataEntry, entries: DataEntry[]): boolean {
  const a = entry.attempt;
  const refusal = (e: DataEntry) =>
    e.attempt.protection === 'clear' &&
    (e.attempt.outcome === 'command-refused' || e.attempt.outcome === 'transfer-refused')
      ? refusalCode(e)
      : undefined;
  const code = refusal(entry);
  if (code === undefined) return false;
  const protectedWorks = entries.some(
    (e) => e.attempt.protection === 'private' && e.attempt.command === a.command && worked(e),
  );
  if (!protectedWorks) return false;
  return overTls(entry) || entries.some((e) => overTls(e) && e.attempt.command === a.command && refusal(e) === code);
}

/** The code of the reply that refused the attempt (PORT/PASV itself, else the transfer command). */
function refusalCode(entry: DataEntry): number | undefined {
  const first = entry.kind === 'active' ? entry.attempt.portReply : entry.attempt.reply;
  if (first && !isPositive(first)) return first.code;
  return entry.attempt.listReplies.find((r) => !isPositive(r))?.code;
}

/**
 * A refusal of the protected data connection because it did not resume the control session's TLS
 * session (RFC 4217 §10.2): vsftpd "522 SSL connection failed: session reuse required", proftpd
 * "425 Unable to build data connection: Operation not permitted", FileZilla Server "425 … TLS
 * session of data connection not resumed."
 */
const REUSE_TEXT = /session reuse|reuse required|not resumed|resum/i;

export function reuseRefusal(entry: DataEntry): { reply: Reply; ref: string } | undefined {
  const a = entry.attempt;
  if (a.protection !== 'private') return undefined;
  const dataTls = entry.kind === 'passive' ? entry.attempt.connections.find((c) => c.tls)?.tls : entry.attempt.tls;
  const idx = a.listReplies.findIndex(
    (r) =>
      (r.code === 522 || r.code === 425 || r.code === 450 || r.code === 426) &&
      (REUSE_TEXT.test(r.text) || (/Operation not permitted/i.test(r.text) && dataTls?.sessionReused === false)),
  );
  const reply = a.listReplies[idx];
  return reply ? { reply, ref: `${entry.ref}/listReplies/${idx}` } : undefined;
}

/** What went wrong in an attempt, in words, for evidence. */
export function failureWords(entry: DataEntry): string {
  const parts: string[] = [entry.attempt.outcome];
  if (entry.kind === 'passive') {
    const c = entry.attempt.connections.at(-1);
    if (c) parts.push(describeConnect(c.connect));
    if (c?.tls?.error) parts.push(`TLS: ${c.tls.error.message}`);
  } else {
    const act = entry.attempt;
    if (act.portReply && !isPositive(act.portReply)) parts.push(`${act.command}: ${describeReply(act.portReply)}`);
    // pyftpdlib connects while handling PORT and answers only once connected (or after its own timeout).
    if (act.sentArgument && !act.portReply)
      parts.push(`no reply to ${act.command} (the server may still be trying to connect)`);
    if (act.inbound && !act.inbound.arrived)
      parts.push(`no connection from the server within ${act.inbound.waitedMs} ms`);
    if (act.tls?.error) parts.push(`TLS: ${act.tls.error.message}`);
  }
  const last = entry.attempt.listReplies.at(-1);
  if (last && !isPositive(last)) parts.push(`LIST: ${describeReply(last)}`);
  return parts.join('; ');
}
