import { connectTcp } from '../net/index.js';
import type { SweepCalibration } from '../observation/index.js';
import { DEFAULT_RTT_BOUNDS, type RttBounds } from './rtt-estimator.js';

/**
 * Calibration before the sweep. The estimator (rtt-estimator.ts) derives the per-port timeout from
 * round trips alone (nmap -T4: 100–1250 ms), which is right when a refusal arrives one round trip
 * after the SYN. Some paths refuse late: Windows retries the SYN after a reset and reports
 * WSAECONNREFUSED only after about 2 s (nmap/nmap#2113), and middleboxes or satellite links delay
 * or lose packets. A refusal that arrives after the timeout would be recorded as "no-answer", i.e. a
 * false DROP. So the sweep first times a refusal on a port known to be closed and the answers it
 * already has, and takes the larger: the deadline covers the slowest refusal with a margin, and,
 * when packets went missing, one SYN retransmission too (RFC 6298 §2.1 and Linux: initial RTO 1 s).
 */

const SAMPLES = 3;
/**
 * How long a refusal is waited for: Windows' retried SYNs (~2 s, above) with a margin, plus two of
 * the path's own round trips; a slower one is a drop. The calibration runs beside the sweep's first
 * pass (src/probe/data-steps.ts), so on a closed port a rule drops (an FTP helper's related flow
 * gone) this wait is not added to the check.
 */
const REFUSAL_WAIT_FLOOR_MS = 3000;
const REFUSAL_MARGIN = 1.5;
const ANSWER_MARGIN = 2;
/** The kernel's first SYN retransmission (RFC 6298 §2.1, Linux TCP_TIMEOUT_INIT). */
const SYN_RETRANSMIT_MS = 1000;

export interface CalibrationInput {
  address: string;
  /** A port the server listened on and has closed since (a finished passive transfer's). */
  closedPort?: number;
  /** Connect times of this run that were answered. */
  answerSamplesMs: number[];
  signal: AbortSignal;
}

export async function calibrateSweep(input: CalibrationInput): Promise<SweepCalibration> {
  const started = performance.now();
  const refusals =
    input.closedPort === undefined
      ? []
      : await Promise.all(
          Array.from({ length: SAMPLES }, () =>
            connectTcp({
              address: input.address,
              port: input.closedPort!,
              timeoutMs: REFUSAL_WAIT_FLOOR_MS + 2 * Math.max(0, ...input.answerSamplesMs),
              signal: input.signal,
            }).then((r) => {
              r.socket?.destroy();
              return r.outcome;
            }),
          ),
        );
  const refusalSamplesMs = refusals.filter((o) => o.state === 'reset').map((o) => o.elapsedMs);
  const refusalLost = refusals.filter((o) => o.state === 'no-answer').length;
  return deriveCalibration({
    ...(input.closedPort === undefined ? {} : { closedPort: input.closedPort }),
    refusalSamplesMs,
    refusalLost,
    answerSamplesMs: input.answerSamplesMs,
    elapsedMs: Math.round(performance.now() - started),
  });
}

/** Pure: the deadline from the samples. */
export function deriveCalibration(
  m: Pick<SweepCalibration, 'closedPort' | 'refusalSamplesMs' | 'refusalLost' | 'answerSamplesMs' | 'elapsedMs'>,
): SweepCalibration {
  const answers = m.answerSamplesMs.filter((x) => Number.isFinite(x) && x >= 0);
  const answerMs = answers.length ? Math.max(...answers) : 0;
  const fastest = answers.length ? Math.min(...answers) : 0;
  const refusalMs = m.refusalSamplesMs.length ? Math.max(...m.refusalSamplesMs) : undefined;
  const retransmitted = answers.some((a) => a >= fastest + 0.8 * SYN_RETRANSMIT_MS);
  // A refusal lost while others came is loss on the path. Every one missing is a drop rule on the
  // closed port itself (an FTP helper let the transfer through as a related flow and drops the port
  // again: measured in the lab, vsftpd and pyftpdlib behind nf_conntrack_ftp), not evidence of loss.
  const lossSeen = (m.refusalLost > 0 && m.refusalSamplesMs.length > 0) || retransmitted;
  let deadlineMs = Math.max(
    DEFAULT_RTT_BOUNDS.minMs,
    Math.ceil(REFUSAL_MARGIN * (refusalMs ?? 0)),
    Math.ceil(ANSWER_MARGIN * answerMs),
  );
  if (lossSeen) deadlineMs += SYN_RETRANSMIT_MS + Math.max(answerMs, refusalMs ?? 0);
  return {
    ...m,
    ...(refusalMs === undefined ? {} : { refusalMs }),
    answerMs,
    lossSeen,
    deadlineMs,
    maxDeadlineMs: Math.max(DEFAULT_RTT_BOUNDS.maxMs, 2 * deadlineMs),
  };
}

/** What the answers alone give, before any refusal is timed: the deadline a first pass can start with. */
export function answersOnlyCalibration(answerSamplesMs: number[]): SweepCalibration {
  return deriveCalibration({
    refusalSamplesMs: [],
    refusalLost: 0,
    answerSamplesMs,
    elapsedMs: 0,
  });
}

/** The estimator's bounds under a calibration: never below the calibrated deadline. */
export function calibratedBounds(c: SweepCalibration): RttBounds {
  return { minMs: c.deadlineMs, maxMs: c.maxDeadlineMs, initialTimeoutMs: c.deadlineMs };
}
