import type { SweepCalibration } from './calibration.js';

/** Per-port result of the passive range sweep. */
export type PortState =
  | 'open' // connected (and, against the reference server, its token matched)
  // Reset from a port not known to be listening: closed, or rejected by a rule (`reject with tcp reset`).
  // It proves the host or a firewall answered, nothing about whether the path to a listening port is open.
  // Logs and reports of earlier versions call it 'closed' (renamed on reading: old-closed-state.ts).
  | 'refused'
  | 'no-answer'
  | 'icmp-reject'
  | 'local-error'
  | 'token-mismatch' // connected, but the reference server's token was missing or wrong: a middlebox answered
  | 'blocked-reset'; // reset from a port the server had just advertised or owns: a firewall reject

export interface PortRun {
  from: number;
  to: number;
  state: PortState;
}

export interface SweepObservation {
  mode: 'full' | 'sample';
  address: string;
  ranges: Array<[number, number]>;
  /** Against the reference server's sweep listeners (tokens checked) or any server (connect only). */
  cooperative: boolean;
  /** Ports tested, compressed into runs, sorted by port; untested ports appear in no run. */
  runs: PortRun[];
  counts: Partial<Record<PortState, number>>;
  portsTested: number;
  retries: number;
  /** RTT estimator at the end: smoothed RTT and the per-port timeout it gave. */
  timing: { srttMs: number; rttvarMs: number; timeoutMs: number; initialRttMs?: number };
  concurrency: { max: number; final: number; fdLimit?: number };
  /** Samples of an errno per state, for evidence (e.g. "EHOSTUNREACH" for icmp-reject). */
  errnos: Partial<Record<PortState, string[]>>;
  /** Each pass over the ports: the first, then retries of the ports that got no answer. */
  passes?: Array<{ ports: number; timeoutMs: number; elapsedMs: number; answered: number }>;
  /**
   * This computer's ephemeral port range, and the source ports the sweep bound to instead when that
   * range overlaps the swept ranges (so a direction-less rule on the path cannot hit our own ports).
   */
  sourcePorts?: { ephemeral: [number, number]; pinned?: Array<[number, number]> };
  /** Samples of what answered instead of the reference server's token (evidence for token-mismatch). */
  tokenMismatches?: Array<{ port: number; reason: string; got: string }>;
  /** What the sweep timed before it started, and the per-port deadline it took from that (src/sweep/calibration.ts). */
  calibration?: SweepCalibration;
  elapsedMs: number;
  complete: boolean;
}
