/**
 * How many connects the sweep keeps in flight. A TCP-like window: answers grow it (slow start up to
 * ssthresh, then additive), timeouts halve it at most once per window's worth of completions, never
 * below the floor. Timeouts are ambiguous — a firewall DROP costs the path nothing, congestion does —
 * so they back off only to the floor; a retry that gets an answer proves a probe was lost, and that
 * lowers the floor itself. Running out of local resources (EMFILE, ENFILE, EADDRNOTAVAIL) lowers the
 * hard limit below what was in flight, so the sweep never reports its own exhaustion as a port state.
 */

export interface ConcurrencyWindow {
  readonly limit: number;
  readonly floor: number;
  readonly window: number;
  readonly ssthresh: number;
  /** Completions since the last decrease (one decrease per window's worth, like TCP per RTT). */
  readonly sinceDecrease: number;
}

export const MIN_FLOOR = 4;

export function createWindow(opts: { limit: number; initial: number; floor: number }): ConcurrencyWindow {
  const limit = Math.max(1, Math.floor(opts.limit));
  const floor = Math.min(limit, Math.max(1, Math.floor(opts.floor)));
  const window = Math.min(limit, Math.max(floor, Math.floor(opts.initial)));
  return { limit, floor, window, ssthresh: limit, sinceDecrease: 0 };
}

/** Connects allowed in flight now. */
export function allowed(w: ConcurrencyWindow): number {
  return Math.max(1, Math.floor(Math.min(w.window, w.limit)));
}

export function onAnswer(w: ConcurrencyWindow): ConcurrencyWindow {
  const step = w.window < w.ssthresh ? 1 : 1 / w.window;
  return { ...w, window: Math.min(w.limit, w.window + step), sinceDecrease: w.sinceDecrease + 1 };
}

export function onNoAnswer(w: ConcurrencyWindow): ConcurrencyWindow {
  if (w.sinceDecrease < w.window) return { ...w, sinceDecrease: w.sinceDecrease + 1 };
  return decrease(w);
}

/** A port that got no answer answered on retry: a probe was lost on the path. */
export function onProvenLoss(w: ConcurrencyWindow): ConcurrencyWindow {
  const floor = Math.max(Math.min(MIN_FLOOR, w.limit), Math.floor(w.floor / 2));
  return decrease({ ...w, floor });
}

/** This computer ran out of descriptors or local ports with `inFlight` connects open. */
export function onLocalExhaustion(w: ConcurrencyWindow, inFlight: number): ConcurrencyWindow {
  const limit = Math.max(1, Math.min(w.limit, Math.floor(inFlight * 0.75)));
  return {
    ...w,
    limit,
    floor: Math.min(w.floor, limit),
    window: Math.min(w.window, limit),
    ssthresh: Math.min(w.ssthresh, limit),
    sinceDecrease: 0,
  };
}

function decrease(w: ConcurrencyWindow): ConcurrencyWindow {
  const ssthresh = Math.max(w.floor, Math.floor(w.window / 2));
  return { ...w, ssthresh, window: ssthresh, sinceDecrease: 0 };
}
