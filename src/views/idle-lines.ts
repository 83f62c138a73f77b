import type { IdleTestObservation, ObservationLog } from '../observation/index.js';

/**
 * The idle control connection test in lines every view prints the same way, or — when it did not
 * run but a transfer could outlast a middlebox's idle timeout — one line saying that it exists.
 */
export function idleLines(log: ObservationLog): string[] {
  return log.idleTest ? idleTestLines(log.idleTest) : longTransferHint(log);
}

export function idleTestLines(test: IdleTestObservation): string[] {
  return [
    `Idle test (${Math.round(test.durationMs / 1000)} s; ${test.probes.length} sessions, each silent, then NOOP):`,
    ...test.probes.map(
      (p) =>
        `  silent ${Math.round((p.idleMs ?? p.plannedIdleMs) / 1000)} s → ${p.outcome}${p.reply ? ` (${p.reply.text.split('\n')[0]})` : ''}`,
    ),
    `  ${boundsWords(test)}`,
  ];
}

function boundsWords(test: IdleTestObservation): string {
  const s = (ms: number): string => `${Math.round(ms / 1000)} s`;
  if (test.lostAfterMs === undefined)
    return test.survivedMs === undefined ? 'no idle limit measured' : `kept for at least ${s(test.survivedMs)} idle`;
  return test.survivedMs === undefined
    ? `dropped after less than ${s(test.lostAfterMs)} idle`
    : `dropped after ${s(test.survivedMs)}–${s(test.lostAfterMs)} idle`;
}

/** A transfer of --max-bytes at the slowest measured rate that would take longer than this is "long". */
const LONG_TRANSFER_MS = 60_000;

function longTransferHint(log: ObservationLog): string[] {
  const transfers = log.transfers;
  if (!transfers) return [];
  const rates = transfers.trials.flatMap((t) => (t.throughputBps ? [t.throughputBps] : []));
  const slowest = rates.length ? Math.min(...rates) : undefined;
  const long = slowest === undefined || (transfers.maxBytes * 1000) / slowest > LONG_TRANSFER_MS;
  return long || transfers.trials.some((t) => t.outcome !== 'ok')
    ? [
        'Long transfers leave the control connection idle; a NAT or firewall may drop it before the 226. --idle-test 6m measures how long it is kept.',
      ]
    : [];
}
