import type { SweepCalibration } from '../observation/index.js';

/** What the sweep's calibration measured and decided, in one line for every view. */
export function calibrationWords(c: SweepCalibration): string {
  const refusal =
    c.refusalMs !== undefined
      ? `a refusal from closed port ${c.closedPort} took ${c.refusalMs} ms`
      : c.closedPort !== undefined
        ? `closed port ${c.closedPort} gave no refusal (dropped there)`
        : 'no closed port to time a refusal on';
  const lost =
    c.refusalLost > 0 && c.refusalSamplesMs.length > 0 ? ` (${c.refusalLost} of the refusal probes lost)` : '';
  const loss = c.lossSeen ? '; packets went missing, so one SYN retransmission fits in' : '';
  return `${refusal}${lost}, answers up to ${c.answerMs} ms (${c.answerSamplesMs.length} samples)${loss} → per-port deadline at least ${c.deadlineMs} ms, retries up to ${c.maxDeadlineMs} ms`;
}
