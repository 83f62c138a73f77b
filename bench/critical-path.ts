/** A step as the report's timings list it. */
export interface TimedStep {
  id: string;
  startedMs: number;
  elapsedMs: number;
}

/**
 * The chain of steps that decided the check's wall time: the step that ended last, then the step
 * that ended latest before it started, and so on back to the first. Steps that ran alongside (the
 * sweep during the active probes) are left out, as they did not make the check longer.
 */
export function criticalPath(steps: readonly TimedStep[]): TimedStep[] {
  const end = (s: TimedStep): number => s.startedMs + s.elapsedMs;
  const chain: TimedStep[] = [];
  let before = Infinity;
  for (;;) {
    const candidates = steps.filter((s) => end(s) <= before && !chain.includes(s));
    if (candidates.length === 0) break;
    const last = candidates.reduce((a, b) => (end(b) > end(a) ? b : a));
    chain.unshift(last);
    before = last.startedMs;
  }
  return chain;
}
