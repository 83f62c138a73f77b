import type { ConnectOutcome, PortState, SweepObservation } from '../observation/index.js';
import type { ProbeRun } from './probe-run.js';

/**
 * Linux retransmits an unanswered SYN after its initial retransmission timeout, TCP_TIMEOUT_INIT =
 * 1 s (include/net/tcp.h, "RFC6298 2.1 initial RTO value"; RFC 6298 §2.1 sets the same 1 s). A wait
 * for a data connection shorter than this plus a round trip would call one lost SYN a firewall.
 */
export const INITIAL_SYN_RTO_MS = 1000;

/**
 * Room above the retransmitted SYN's round trip for a loaded server or client: the retransmission
 * timer and the peer's SYN-ACK are the kernel's, so this covers scheduling, not the network.
 */
const MARGIN_MS = 150;

/**
 * Control round trips allowed beyond the retransmission: the retransmitted SYN's own round trip,
 * and a data path slower than the control connection's.
 */
const RTT_ALLOWANCE = 3;

/**
 * How long a data connection (ours to a passive port, or the server's to our active port) may take
 * before it counts as never arriving: one lost SYN and its retransmission, plus a few control round
 * trips measured on this very path. --step-timeout stays the upper bound for unusual paths.
 */
export function dataConnectDeadline(run: ProbeRun): number {
  return connectDeadline(run.settings.stepTimeoutMs, run.log.control.connect);
}

/** The deadline from the step timeout and the control connect (without a connected one, the step timeout). */
export function connectDeadline(stepTimeoutMs: number, control: ConnectOutcome | undefined): number {
  if (control?.state !== 'open') return stepTimeoutMs;
  const derived = INITIAL_SYN_RTO_MS + Math.max(MARGIN_MS, RTT_ALLOWANCE * control.elapsedMs);
  return Math.min(stepTimeoutMs, derived);
}

/** What the sweep found at a port that a data connection there can only repeat: nothing answered, or a router's ICMP. */
const SWEPT_BLOCKED: ReadonlySet<PortState> = new Set(['no-answer', 'icmp-reject']);

/**
 * The deadline for a data connection to a port the sweep has already judged: where it found nothing
 * answering (or an ICMP reject) after every pass, the longest wait it gave that port — at least one
 * retry, so a lost SYN was already allowed for — is as long as this connection need wait too; the
 * connection still tries, and a port that answers now counts as it always did. Elsewhere (another
 * address, a port the sweep did not judge so) and before a sweep, the deadline from the control connection.
 */
export function sweptPortDeadline(run: ProbeRun, address: string, port: number): number {
  const sweep = run.log.sweep;
  return sweptDeadline(dataConnectDeadline(run), sweep?.address === address ? sweep : undefined, port);
}

/** sweptPortDeadline's pure core: from the data-connect deadline and the sweep (if it ran). */
export function sweptDeadline(deadline: number, sweep: SweepObservation | undefined, port: number): number {
  const state = sweep?.runs.find((r) => port >= r.from && port <= r.to)?.state;
  if (!sweep || state === undefined || !SWEPT_BLOCKED.has(state)) return deadline;
  const waited = Math.max(sweep.timing.timeoutMs, ...(sweep.passes ?? []).map((p) => p.timeoutMs));
  return Math.min(deadline, Math.max(1, waited));
}
