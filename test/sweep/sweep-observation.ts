import type { SweepObservation } from '../../src/observation/index.js';

/** A finished sweep of 60000–60009 with nothing in it yet: each test sets the fields it reads. */
export function sweepObservation(over: Partial<SweepObservation>): SweepObservation {
  return {
    mode: 'full',
    address: '192.0.2.1',
    ranges: [[60000, 60009]],
    cooperative: false,
    runs: [],
    counts: {},
    portsTested: 10,
    retries: 0,
    timing: { srttMs: 1, rttvarMs: 5, timeoutMs: 100 },
    concurrency: { max: 2048, final: 1024 },
    errnos: {},
    passes: [],
    elapsedMs: 0,
    complete: true,
    ...over,
  };
}
