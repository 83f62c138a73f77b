import {
  type ObservationLog,
  portsStillListening,
  renameClosedState,
  type SweepObservation,
} from '../observation/index.js';
import { sweepEvidence } from './sweep-blocks.js';

/**
 * Brings a log recorded by an earlier engine up to what the current engine records, once, at the
 * entry of diagnose, so the finders read one meaning of every field.
 *
 * Earlier engines told the sweep that every advertised passive port was listening, so a reset from
 * a port whose data connection we had already made (the server stops listening then) was recorded
 * as 'blocked-reset'. The current engine names only the ports still listening
 * (portsStillListening), and the sweep records a reset anywhere else as 'refused'.
 *
 * Earlier engines also called that state 'closed' and read it as "the path is open", which a
 * `reject with tcp reset` rule contradicts (issue 12): it is 'refused' now, in runs, counts and errnos.
 */
export function upgradeLog(log: ObservationLog): ObservationLog {
  const sweep = log.sweep;
  if (!sweep) return log;
  const renamed = renameClosedState(sweep);
  const advertised = new Set(log.passive.flatMap((a) => (a.advertised ? [a.advertised.port] : [])));
  const listening = new Set(portsStillListening(log.passive));
  const contradicted = (port: number): boolean => advertised.has(port) && !listening.has(port);
  if (!renamed.runs.some((r) => r.state === 'blocked-reset' && r.from === r.to && contradicted(r.from)))
    return renamed === sweep ? log : { ...log, sweep: renamed };
  const runs = renamed.runs.map((r) =>
    r.state === 'blocked-reset' && r.from === r.to && contradicted(r.from) ? { ...r, state: 'refused' as const } : r,
  );
  return { ...log, sweep: { ...renamed, runs } };
}

/** The sweep as the finders read it: upgraded, and none when the server went away mid-sweep. */
export function sweepAsDiagnosed(log: ObservationLog): SweepObservation | undefined {
  return sweepEvidence(upgradeLog(log));
}
