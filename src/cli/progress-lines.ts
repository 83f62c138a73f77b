import { endpoint } from '../ftp/index.js';
import type { PortState, ProbeEvent, StepStatus } from '../observation/index.js';
import { calibrationWords } from '../views/index.js';

/**
 * The plain progress view for pipes, CI and `--json`/`--format`: one line per finished step and a
 * sweep line at each quarter, no colours, no cursor movement. Pure: the caller writes the lines
 * (to stderr, so stdout carries only the result).
 */
export interface ProgressState {
  /** Quarters of the sweep already reported (0-4). */
  sweepQuarters: number;
}

export const INITIAL_PROGRESS: ProgressState = { sweepQuarters: 0 };

const MARK: Record<StepStatus, string> = { ok: ' ok ', warn: 'warn', fail: 'FAIL', skipped: 'skip', aborted: 'stop' };

export function progressLines(event: ProbeEvent, state: ProgressState): { lines: string[]; state: ProgressState } {
  switch (event.type) {
    case 'run-start':
      return { lines: [`ftpdoctor: checking ${endpoint(event.host, event.port)}`], state: INITIAL_PROGRESS };
    case 'step-end': {
      const { step } = event;
      const summary = step.summary === '' ? '' : `: ${step.summary}`;
      return { lines: [`[${MARK[step.status]}] ${step.label} (${step.elapsedMs} ms)${summary}`], state };
    }
    case 'sweep-progress': {
      if (event.total <= 0) return { lines: [], state };
      const quarters = Math.floor((event.done / event.total) * 4);
      if (quarters <= state.sweepQuarters || quarters >= 4) return { lines: [], state };
      return {
        lines: [`[....] sweep ${event.done}/${event.total} ports: ${formatCounts(event.counts)}`],
        state: { sweepQuarters: quarters },
      };
    }
    case 'sweep-calibrated':
      return { lines: [`[....] sweep calibrated: ${calibrationWords(event.calibration)}`], state };
    case 'step-start':
    case 'transcript':
    case 'run-end':
      return { lines: [], state };
  }
}

export function formatCounts(counts: Partial<Record<PortState, number>>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([state, n]) => `${state} ${n}`);
  return parts.length === 0 ? 'none yet' : parts.join(', ');
}
