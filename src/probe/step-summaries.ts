import { countPorts } from '../ftp/index.js';
import type { ActiveAttempt, PassiveAttempt, Reply, SweepObservation, TlsObservation } from '../observation/index.js';
import type { StepResult } from './step-runner.js';

/**
 * The one-line summaries of the steps, for the step list of every view. Pure: the facts are in the
 * log; these only say them briefly.
 */

export function firstLine(reply: Reply | undefined, otherwise: string): string {
  return reply?.text.split('\n')[0] ?? otherwise;
}

/** ok when every attempt worked, warn when some did, fail when none did; each attempt named. */
export function attemptsSummary(
  attempts: ReadonlyArray<PassiveAttempt | ActiveAttempt>,
  sessionTls: boolean,
): StepResult {
  if (attempts.length === 0) return { status: 'fail', summary: 'no attempt could be made' };
  const ok = attempts.filter((a) => a.outcome === 'ok').length;
  const summary = attempts
    .map(
      (a) => `${a.command}/${a.protection}${a.controlTls === false && sessionTls ? '/plain-session' : ''} ${a.outcome}`,
    )
    .join('; ');
  return { status: ok === attempts.length ? 'ok' : ok > 0 ? 'warn' : 'fail', summary };
}

export function tlsSummary(tls: TlsObservation): StepResult {
  const accepted = tls.insecureAccepted ? ' (untrusted certificate accepted)' : '';
  return {
    status: tls.insecureAccepted ? 'warn' : 'ok',
    summary: `${tls.protocol ?? 'TLS'} ${tls.cipher ?? ''}${accepted}`.trim(),
  };
}

export function sweepCounts(sweep: SweepObservation): string {
  return Object.entries(sweep.counts)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
}

/** "60000-65535", or "5,475 ports of 60000-65535" when ports in use elsewhere split the range. */
export function sweepSpan(ranges: Array<[number, number]>): string {
  const first = ranges[0]?.[0];
  const last = ranges[ranges.length - 1]?.[1];
  if (first === undefined || last === undefined) return 'no port';
  if (ranges.length === 1) return `${first}-${last}`;
  return `${countPorts(ranges).toLocaleString('en-US')} ports of ${first}-${last}`;
}
