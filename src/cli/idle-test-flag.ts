import { parseDuration, type Parsed } from './flag-values.js';

/** --idle-test: from a few seconds (for tests and labs) to 30 minutes (longer than any common middlebox default). */
export function parseIdleTest(text: string): Parsed<number> {
  return parseDuration(text, { minMs: 2000, maxMs: 30 * 60_000 });
}

/**
 * The run's deadline with an idle test: the test alone takes its whole duration, so an unset
 * --timeout grows by it, and a --timeout that leaves no room for it is refused.
 */
export function deadlineWithIdleTest(
  idleTestMs: number | undefined,
  timeoutFlag: number | undefined,
  defaultTimeoutMs: number,
): Parsed<number> {
  if (idleTestMs === undefined) return { ok: true, value: timeoutFlag ?? defaultTimeoutMs };
  if (timeoutFlag === undefined) return { ok: true, value: defaultTimeoutMs + idleTestMs };
  if (timeoutFlag <= idleTestMs)
    return {
      ok: false,
      message: `--timeout (${timeoutFlag} ms) leaves no time for --idle-test (${idleTestMs} ms): leave --timeout out or make it longer`,
    };
  return { ok: true, value: timeoutFlag };
}
