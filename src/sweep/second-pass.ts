import type { PortState, SweepObservation } from '../observation/index.js';
import { compressRuns, expandRuns } from './port-runs.js';

/** As many errno samples per state as one sweep keeps (port-sweep.ts). */
const ERRNO_SAMPLES = 16;

/** The ranges of the ports a sweep found silent: what a second pass with a longer deadline tests again. */
export function silentRanges(sweep: SweepObservation): Array<[number, number]> {
  return sweep.runs.filter((r) => r.state === 'no-answer').map((r): [number, number] => [r.from, r.to]);
}

/**
 * One sweep from a first pass and a second pass over some of its ports: each port keeps its latest
 * result (the second pass waited longer), every port was still tested, and the time, retries and
 * passes of both are counted. The ranges and the ports tested are the first pass's.
 */
export function mergeSecondPass(first: SweepObservation, second: SweepObservation): SweepObservation {
  const states = expandRuns(first.runs);
  for (const [port, state] of expandRuns(second.runs)) states.set(port, state);
  const counts: Partial<Record<PortState, number>> = {};
  for (const state of states.values()) counts[state] = (counts[state] ?? 0) + 1;
  const errnos: Partial<Record<PortState, string[]>> = { ...first.errnos };
  for (const [state, seen] of Object.entries(second.errnos) as Array<[PortState, string[]]>)
    errnos[state] = [...(errnos[state] ?? []), ...seen].slice(0, ERRNO_SAMPLES);
  return {
    ...first,
    runs: compressRuns([...states].map(([port, state]) => ({ port, state }))),
    counts,
    retries: first.retries + second.retries,
    timing: second.timing,
    concurrency: { ...first.concurrency, max: Math.max(first.concurrency.max, second.concurrency.max) },
    errnos,
    passes: [...(first.passes ?? []), ...(second.passes ?? [])],
    // Both are rounded to 0.1 ms (port-sweep.ts); their sum is kept so.
    elapsedMs: Math.round((first.elapsedMs + second.elapsedMs) * 10) / 10,
    complete: first.complete && second.complete,
  };
}
