import { describeConnect } from '../diagnosis/index.js';
import { addressAnswers, type ObservationLog } from '../observation/index.js';

/** The report's per-address and per-family results (Report.addresses), from the observation log. */

export interface ReportAddresses {
  chosen: string;
  chosenBy: NonNullable<ObservationLog['addresses']>['chosenBy'];
  deadlineMs: number;
  list: Array<{
    address: string;
    family: 4 | 6;
    source: 'dns' | 'list';
    answers: boolean;
    state: NonNullable<ObservationLog['addresses']>['checks'][number]['connect']['state'];
    errno?: string;
    elapsedMs: number;
    /** The greeting's first line ("220 (vsFTPd 3.0.3)"), or its kind when it had no reply. */
    greeting?: string;
  }>;
  families?: Array<{ family: 4 | 6; address: string; passive: string; detail?: string }>;
}

export function addressSection(log: ObservationLog): ReportAddresses | undefined {
  const a = log.addresses;
  if (!a) return undefined;
  const implicit = log.settings.tls === 'implicit';
  return {
    chosen: a.chosen,
    chosenBy: a.chosenBy,
    deadlineMs: a.deadlineMs,
    list: a.checks.map((c) => ({
      address: c.address,
      family: c.family,
      source: c.source,
      answers: addressAnswers(c, implicit),
      state: c.connect.state,
      ...(c.connect.errno ? { errno: c.connect.errno } : {}),
      elapsedMs: c.connect.elapsedMs,
      ...(c.greeting
        ? {
            greeting: c.greeting.text?.split('\n')[0] ?? c.greeting.kind,
          }
        : {}),
    })),
    ...(a.familyData
      ? {
          families: a.familyData.map((d) => {
            const last = d.attempt?.connections.at(-1)?.connect;
            const detail = d.skipped ?? (last ? describeConnect(last) : undefined);
            return {
              family: d.family,
              address: d.address,
              passive: d.skipped ? 'skipped' : (d.attempt?.outcome ?? 'skipped'),
              ...(detail ? { detail } : {}),
            };
          }),
        }
      : {}),
  };
}
