import { readFileSync } from 'node:fs';
import { diagnose, type Channel, type Diagnosis } from '../../src/diagnosis/index.js';
import type { ObservationLog, ProbeEvent, ProbeSettings } from '../../src/observation/index.js';
import type { UiAction } from '../../src/ui/ui-state.js';

/**
 * A real event stream: the engine against the reference server in a network namespace of the
 * fixture recorder's own, whose nftables output chain drops 23340–23363 of the passive range
 * 23300–23363 (test/diagnosis/record-fixtures.record.ts, `npm run fixtures:record`).
 */
interface Recording {
  recordedWith: string;
  require: Channel[];
  events: ProbeEvent[];
}

const recording = JSON.parse(
  readFileSync(new URL('../../fixtures/events/netns-passive-subrange-dropped.events.json', import.meta.url), 'utf8'),
) as Recording;

export const events = recording.events;

const runEnd = events.find((e): e is Extract<ProbeEvent, { type: 'run-end' }> => e.type === 'run-end');
if (!runEnd) throw new Error('the recording has no run-end event');

export const finalLog: ObservationLog = runEnd.log;
export const settings: ProbeSettings = finalLog.settings;
export const finalDiagnosis: Diagnosis = diagnose(finalLog, { require: recording.require });

/**
 * The view's actions for the events before `until` (all of them without it), as the live view makes
 * them: each event, and after each step-end the diagnosis of its snapshot.
 */
export function actions(until?: (e: ProbeEvent) => boolean): UiAction[] {
  const end = until ? events.findIndex(until) : events.length;
  return events
    .slice(0, end === -1 ? events.length : end)
    .flatMap((e): UiAction[] =>
      e.type === 'step-end'
        ? [e, { type: 'diagnosis', diagnosis: diagnose(e.log, { require: recording.require }), final: false }]
        : [e],
    );
}

/** Every action of the run, then the final diagnosis as the CLI hands it over. */
export function wholeRun(): UiAction[] {
  return [...actions(), { type: 'diagnosis', diagnosis: finalDiagnosis, final: true }];
}

export const startedSweep = (e: ProbeEvent): boolean => e.type === 'step-start' && e.id === 'sweep';
