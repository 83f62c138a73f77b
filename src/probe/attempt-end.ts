import { elapsedSince } from './probe-run.js';

/**
 * How a data probe ends an attempt, in one place: its outcome, and how long it took from `started`
 * (performance.now() when the attempt began). Returns the attempt, so a probe can `return done(…)`.
 */
export function attemptEnder<O extends string, A extends { outcome: O; elapsedMs: number }>(
  attempt: A,
  started: number,
): (outcome: O) => A {
  return (outcome) => {
    attempt.outcome = outcome;
    attempt.elapsedMs = elapsedSince(started);
    return attempt;
  };
}
