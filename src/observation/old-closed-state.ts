import type { PortRun, PortState } from './sweep.js';

/**
 * Logs and reports written before issue 12 named a reset from a port not known to listen 'closed'
 * and read it as "the path is open", which a `reject with tcp reset` rule contradicts. It is
 * 'refused' now; this is the one rename, used where an old log (diagnosis) or an old report
 * (`ftpdoctor report`, schemaVersion 1) is read.
 */
const OLD_CLOSED = 'closed';

interface SweepStates {
  runs: PortRun[];
  counts: Partial<Record<PortState, number>>;
  errnos?: Partial<Record<PortState, string[]>>;
}

export function renameClosedState<S extends SweepStates>(sweep: S): S {
  const isOld = (state: string): boolean => state === OLD_CLOSED;
  if (!sweep.runs.some((r) => isOld(r.state)) && !(OLD_CLOSED in sweep.counts)) return sweep;
  const rename = <T>(record: Partial<Record<string, T>>, merge: (a: T, b: T) => T): Partial<Record<PortState, T>> => {
    const out: Partial<Record<string, T>> = {};
    for (const [state, value] of Object.entries(record)) {
      if (value === undefined) continue;
      const key = isOld(state) ? 'refused' : state;
      const before = out[key];
      out[key] = before === undefined ? value : merge(before, value);
    }
    return out;
  };
  return {
    ...sweep,
    runs: sweep.runs.map((r) => (isOld(r.state) ? { ...r, state: 'refused' as const } : r)),
    counts: rename(sweep.counts, (a, b) => a + b),
    ...(sweep.errnos ? { errnos: rename(sweep.errnos, (a, b) => [...a, ...b]) } : {}),
  };
}
