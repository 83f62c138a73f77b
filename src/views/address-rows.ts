import { addressAnswers, type ObservationLog } from '../observation/index.js';

/** Every checked address as one row each view shows the same way (text, markdown, live view). */

export interface AddressRow {
  address: string;
  family: 4 | 6;
  answers: boolean;
  /** The full check ran on it. */
  chosen: boolean;
  /** "220 in 3 ms", "dropped (no answer in 1500 ms)", "refused", … */
  outcome: string;
}

const STATE_WORDS: Record<string, string> = {
  reset: 'refused (reset)',
  'icmp-reject': 'rejected (ICMP)',
  'no-answer': 'dropped (no answer)',
  'local-error': 'failed on this computer',
  aborted: 'interrupted',
};

export function addressRows(log: ObservationLog): AddressRow[] {
  const a = log.addresses;
  if (!a) return [];
  const implicit = log.settings.tls === 'implicit';
  return a.checks.map((c) => {
    const open = c.connect.state === 'open';
    const outcome = open
      ? c.greeting
        ? `${c.greeting.kind === 'ftp' ? (c.greeting.code ?? 'FTP') : `not FTP (${c.greeting.kind})`} in ${c.connect.elapsedMs + c.greeting.elapsedMs} ms`
        : `connected in ${c.connect.elapsedMs} ms`
      : `${STATE_WORDS[c.connect.state] ?? c.connect.state}${c.connect.errno ? ` ${c.connect.errno}` : ''} after ${c.connect.elapsedMs} ms`;
    return {
      address: c.address,
      family: c.family,
      answers: addressAnswers(c, implicit),
      chosen: c.address === a.chosen,
      outcome,
    };
  });
}

/** "3 of 5 addresses answer" and, per family when both were checked, "IPv6: passive data connect-failed". */
export function addressSummary(log: ObservationLog): string | undefined {
  const rows = addressRows(log);
  if (rows.length === 0) return undefined;
  const answering = rows.filter((r) => r.answers).length;
  const families = (log.addresses?.familyData ?? []).map(
    (d) => `IPv${d.family} passive: ${d.skipped ? `not tried (${d.skipped})` : (d.attempt?.outcome ?? 'not tried')}`,
  );
  return [`${answering} of ${rows.length} addresses answer`, ...families].join('; ');
}
