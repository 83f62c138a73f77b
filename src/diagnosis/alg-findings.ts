import { type HostPort, decodeEprt, decodeHostPort, decodePasvReply, isPositive } from '../ftp/index.js';
import { type ObservationLog, SOFTWARE_LABEL } from '../observation/index.js';
import { describeReply } from './connect-facts.js';
import { activeEntries, overTls, passiveEntries } from './data-attempts.js';
import type { Evidence, Finding } from './finding.js';
import { foreignAddressRefusal, foreignPortPolicy } from './port-address-policy.js';
import { serverAdvice } from './server-advice.js';

/**
 * A PORT/EPRT argument or a 227 reply that arrives different from how it was sent: a device in
 * between rewrites the control channel (an FTP ALG / conntrack helper). Only the reference server
 * tells us what it received and sent (SITE FTPDOCTOR LASTPORT / LASTPASV), so only then is this seen.
 */

function decodeArgument(text: string): HostPort | undefined {
  const t = text.trim();
  const eprt = decodeEprt(t);
  if (eprt.ok) return eprt.value;
  const hp = decodeHostPort(t);
  return hp.ok ? hp.value : undefined;
}

function differs(a: HostPort | undefined, b: HostPort | undefined, rawA: string, rawB: string): boolean {
  if (a && b) return a.address !== b.address || a.port !== b.port;
  return rawA.trim() !== rawB.trim();
}

/** The 227 text without its code, so "227 Entering…" and "Entering…" compare equal. */
function replyBody(text: string): string {
  return text.replace(/^\d{3}[ -]/, '').trim();
}

/**
 * A stock server that refuses foreign PORT addresses (port-address-policy.ts) refused one naming a
 * private address under TLS, where no helper can read it, and accepted the same address in plain
 * text, with the connection arriving: something on the way rewrote the plain command.
 */
function rewriteSeenByPolicy(log: ObservationLog): Evidence[] {
  if (log.serverView || foreignPortPolicy(log.serverSoftware) !== 'refuses') return [];
  const entries = activeEntries(log);
  const refusedUnderTls = entries.find((e) => overTls(e) && foreignAddressRefusal(e.attempt.portReply));
  const address = refusedUnderTls?.attempt.advertised?.address;
  if (!refusedUnderTls || !address) return [];
  const rewritten = entries.find(
    (e) =>
      !overTls(e) &&
      e.attempt.outcome === 'ok' &&
      e.attempt.advertised?.address === address &&
      isPositive(e.attempt.portReply),
  );
  if (!rewritten) return [];
  const name = SOFTWARE_LABEL[log.serverSoftware!.name];
  return [
    {
      ref: `${refusedUnderTls.ref}/portReply`,
      fact: `over the TLS control session ${name} refused ${refusedUnderTls.attempt.command} naming ${address} as a foreign address: ${describeReply(refusedUnderTls.attempt.portReply!)}`,
    },
    {
      ref: `${rewritten.ref}/portReply`,
      fact: `over the plain-text session it accepted the same address (${describeReply(rewritten.attempt.portReply!)}) and its connection arrived: ${name} accepts only the control peer's address, so the command reached it rewritten`,
    },
  ];
}

export function algFindings(log: ObservationLog): Finding[] {
  const evidence: Evidence[] = [];
  for (const e of activeEntries(log)) {
    const { sentArgument: sent, serverReceived: got } = e.attempt;
    if (sent === undefined || got === undefined) continue;
    if (differs(decodeArgument(sent), decodeArgument(got), sent, got)) {
      evidence.push({
        ref: `${e.ref}/serverReceived`,
        fact: `we sent ${e.attempt.command} ${sent}; the server received ${e.attempt.command} ${got}`,
      });
    }
  }
  for (const e of passiveEntries(log)) {
    const { serverSent: sent, reply } = e.attempt;
    if (sent === undefined || reply === undefined || e.attempt.command !== 'PASV') continue;
    const a = decodePasvReply(sent);
    const b = decodePasvReply(reply.text);
    if (differs(a.ok ? a.value : undefined, b.ok ? b.value : undefined, replyBody(sent), replyBody(reply.text))) {
      evidence.push({
        ref: `${e.ref}/serverSent`,
        fact: `the server sent "${sent}"; we received "${describeReply(reply)}"`,
      });
    }
  }
  evidence.push(...rewriteSeenByPolicy(log));
  if (evidence.length === 0) return [];
  return [
    {
      code: 'ALG_REWRITE',
      severity: 'warning',
      channel: 'control',
      title: 'A device between you and the server rewrites FTP commands (an FTP ALG/helper)',
      how: 'alg',
      evidence,
      rule: 'A NAT router or firewall with an FTP helper (ALG) rewrites addresses in PORT/227 on the control channel. It works for plain FTP only: under TLS it cannot read or rewrite them, so FTPS data connections through it fail.',
      where: 'path',
      actor: 'network-admin',
      fix: [
        `If FTPS is needed, do not rely on the helper: open the passive range by rule (and set the server's public passive address: ${serverAdvice(log.serverSoftware).pasvAddress(log.control.connect?.address ?? 'PUBLIC.IP')}) instead.`,
        'If the rewrite itself breaks things (wrong address), disable the FTP helper/ALG on the router (nftables: remove ct helper "ftp"; Cisco: no fixup protocol ftp).',
      ],
      examples: [],
    },
  ];
}
