import type { TransfersObservation } from '../observation/index.js';
import type { StepResult } from './step-runner.js';

/** The transfers step's line: each trial's size and outcome, and what was written and removed. */
export function transfersSummary(log: TransfersObservation): StepResult {
  const parts = log.trials.map((t) => `${t.direction} ${t.plannedBytes ?? t.transfer?.bytes ?? 0} B ${t.outcome}`);
  const written = log.trials.filter((t) => t.direction === 'upload');
  const left = written.filter((t) => t.removal?.removed !== true);
  if (written.length > 0)
    parts.push(
      left.length === 0
        ? `${written.length} uploaded files removed`
        : `${left.length} of ${written.length} uploaded files NOT removed`,
    );
  for (const [direction, why] of Object.entries(log.skipped)) parts.push(`${direction} skipped: ${why}`);
  const bad = log.trials.some((t) => t.outcome !== 'ok') || left.length > 0;
  return { status: log.trials.length === 0 ? 'skipped' : bad ? 'warn' : 'ok', summary: parts.join('; ') };
}
