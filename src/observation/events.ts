import type { SweepCalibration } from './calibration.js';
import type { ObservationLog } from './log.js';
import type { StepId, StepRecord } from './steps.js';
import type { PortRun, PortState } from './sweep.js';
import type { TranscriptLine } from './transcript.js';

/**
 * What the probe engine tells its views while it runs. The Ink UI, the plain progress printer and
 * the JSON report are all built from these events (and the final log), never from engine internals.
 */
export type ProbeEvent =
  | { type: 'run-start'; at: string; host: string; port: number }
  | { type: 'step-start'; id: StepId; label: string; t: number }
  /** A step ended; `log` is a snapshot of the observation log so far (views may diagnose it). */
  | { type: 'step-end'; step: StepRecord; log: ObservationLog }
  | { type: 'transcript'; line: TranscriptLine }
  | {
      type: 'sweep-progress';
      done: number;
      total: number;
      counts: Partial<Record<PortState, number>>;
      /** Ports classified since the previous progress event, compressed. */
      runs: PortRun[];
    }
  /** The sweep's calibration, taken before its first port (src/sweep/calibration.ts). */
  | { type: 'sweep-calibrated'; calibration: SweepCalibration }
  | { type: 'run-end'; log: ObservationLog };

export type ProbeEventListener = (event: ProbeEvent) => void;
