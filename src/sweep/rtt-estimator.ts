/**
 * Per-port connect timeout from measured round-trip times, the way nmap does it (timing.cc,
 * adjust_timeouts2, itself RFC 6298's estimator): the first sample sets srtt = δ and
 * rttvar = clamp(δ, 5 ms, 2 s); later samples move srtt by 1/8 and rttvar by 1/4 of the error;
 * timeout = srtt + 4·rttvar clamped to [min, max]. Seeding it with the control connection's RTT means
 * a range where every SYN is dropped is classified at the minimum timeout instead of waiting out
 * defaults (nmap, with no reply ever, takes ~555 s for 5,536 dropped ports).
 *
 * Unlike nmap's C loop, a Node process sweeping a LAN is CPU-bound: answers wait behind our own work
 * (and behind other processes on a busy machine), and a sample timed on our side then measures us,
 * not the path. Our own delay cannot make a port look silent — a timer that fires late still sees every
 * answer that arrived (in-flight-attempts.ts) — so it must not stretch the timeouts either: a sample is capped
 * at twice the smallest RTT seen plus 10 ms, which leaves real path jitter in and keeps local queueing out.
 */

export interface RttBounds {
  minMs: number;
  maxMs: number;
  /** Timeout used before any RTT sample exists. */
  initialTimeoutMs: number;
}

/** nmap -T4's bounds: min 100 ms, max 1250 ms; its -T4 initial timeout is 500 ms, ours 1 s when unseeded. */
export const DEFAULT_RTT_BOUNDS: RttBounds = { minMs: 100, maxMs: 1250, initialTimeoutMs: 1000 };

export interface RttEstimate {
  readonly bounds: RttBounds;
  /** Undefined until the first sample. */
  readonly srttMs?: number;
  readonly rttvarMs?: number;
  readonly timeoutMs: number;
  readonly samples: number;
  /** Smallest sample so far: the path's RTT without queueing. */
  readonly minRttMs?: number;
}

const RTTVAR_FLOOR_MS = 5;
const RTTVAR_CEILING_MS = 2000;
const QUEUEING_FACTOR = 2;
const QUEUEING_SLACK_MS = 10;

export function createRttEstimate(bounds: RttBounds = DEFAULT_RTT_BOUNDS, seedRttMs?: number): RttEstimate {
  const empty: RttEstimate = {
    bounds,
    timeoutMs: clamp(bounds.initialTimeoutMs, bounds.minMs, bounds.maxMs),
    samples: 0,
  };
  return seedRttMs === undefined || !Number.isFinite(seedRttMs) || seedRttMs < 0
    ? empty
    : addRttSample(empty, seedRttMs);
}

export function addRttSample(est: RttEstimate, rawMs: number): RttEstimate {
  if (!Number.isFinite(rawMs) || rawMs < 0) return est;
  const { bounds } = est;
  const minRttMs = Math.min(est.minRttMs ?? rawMs, rawMs);
  const sampleMs = Math.min(rawMs, QUEUEING_FACTOR * minRttMs + QUEUEING_SLACK_MS);
  if (est.srttMs === undefined || est.rttvarMs === undefined) {
    const srtt = sampleMs;
    const rttvar = clamp(sampleMs, RTTVAR_FLOOR_MS, RTTVAR_CEILING_MS);
    return {
      bounds,
      srttMs: srtt,
      rttvarMs: rttvar,
      timeoutMs: timeoutFor(srtt, rttvar, bounds),
      samples: 1,
      minRttMs,
    };
  }
  // nmap drops wild outliers; the cap above already bounds them.
  const delta = sampleMs - est.srttMs;
  const srtt = est.srttMs + delta / 8;
  const rttvar = est.rttvarMs + (Math.abs(delta) - est.rttvarMs) / 4;
  return {
    bounds,
    srttMs: srtt,
    rttvarMs: rttvar,
    timeoutMs: timeoutFor(srtt, rttvar, bounds),
    samples: est.samples + 1,
    minRttMs,
  };
}

function timeoutFor(srtt: number, rttvar: number, bounds: RttBounds): number {
  return clamp(srtt + 4 * rttvar, bounds.minMs, bounds.maxMs);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
