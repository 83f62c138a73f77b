import type { ObservationLog } from '../observation/index.js';
import type { Evidence, Finding } from './finding.js';

/**
 * Many transfers at once (--parallel): the number of sessions the server lets one client hold
 * (a 421 at connect or a refused login: vsftpd max_per_ip / max_clients, proftpd MaxClientsPerHost,
 * pure-ftpd -c / -C), listings that fail only when run together (425: data connections refused
 * at once), and passive ports handed to two sessions at once (a range too small for the load).
 */
export function sessionLimitFindings(log: ObservationLog): Finding[] {
  const p = log.parallel;
  if (!p) return [];
  const evidence: Evidence[] = [];
  if (p.refusal) {
    const r = p.refusal;
    const said = r.reply ? `: ${r.reply.text.split('\n')[0]}` : r.error ? `: ${r.error.message}` : '';
    evidence.push({ ref: '/parallel/refusal', fact: `extra session ${r.session} refused at ${r.stage}${said}` });
  }
  const failed = p.attempts.flatMap((a, i) => (a.outcome === 'ok' ? [] : [{ a, i }]));
  for (const { a, i } of failed.slice(0, 4))
    evidence.push({
      ref: `/parallel/attempts/${i}`,
      fact: `simultaneous ${a.command} + LIST ${i + 1}: ${a.outcome}${a.listReplies[0] ? ` (${a.listReplies[0].text.split('\n')[0]})` : ''}`,
    });
  if (p.reusedPorts.length)
    evidence.push({
      ref: '/parallel/reusedPorts',
      fact: `passive ports advertised to two sessions at once: ${p.reusedPorts.join(', ')}`,
    });
  if (evidence.length === 0) return [];
  // The check's own sessions were open all along: the server's limit counts them too.
  const limit = p.refusal ? p.opened + p.ownSessions : undefined;
  const title =
    limit !== undefined
      ? `The server accepts at most ${limit} sessions from you at once`
      : `${failed.length} of ${p.attempts.length} simultaneous transfers failed`;
  const transfers = limit !== undefined ? Math.max(1, limit - 1) : undefined;
  return [
    {
      code: 'SESSION_LIMIT',
      severity: 'warning',
      channel: 'passive',
      title,
      evidence,
      rule:
        limit !== undefined
          ? `The server (or a firewall limiting connections per address) refuses a session beyond ${limit}. A client that opens more — one for browsing plus one per simultaneous transfer — sees "421 too many connections" or refused logins.`
          : 'Transfers that work alone fail when several run at once: the server limits data connections, or its passive range is too small for the load and ports are handed out twice.',
      where: 'server-side',
      actor: 'server-admin',
      fix: [
        ...(transfers !== undefined
          ? [
              // FileZilla: Settings › Transfers "Maximum simultaneous transfers"; WinSCP: https://winscp.net/eng/docs/ui_pref_background
              `Set the client to at most ${transfers} simultaneous transfer${transfers === 1 ? '' : 's'} (it keeps one more session for browsing): FileZilla: Settings › Transfers › "Maximum simultaneous transfers"; WinSCP: Preferences › Background › "Maximal number of transfers at the same time".`,
            ]
          : []),
        "Or ask the server's admin to raise the per-address session limit (vsftpd max_per_ip, proftpd MaxClientsPerHost, pure-ftpd -C).",
        ...(p.reusedPorts.length || failed.length
          ? [
              'A passive range needs at least one port per simultaneous transfer, better several: widen it on the server and in every firewall on the way.',
            ]
          : []),
      ],
      examples: [],
    },
  ];
}
