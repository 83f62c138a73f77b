import type { UiAction } from '../../src/ui/ui-state.js';
import { deriveCalibration } from '../../src/sweep/index.js';

/**
 * A calibration as the sweep takes it on a path whose resets arrive 2 s late (the slow-path lab's
 * delayed-resets scenario): three timed refusals from a closed port and two answered connects.
 */
export const lateRefusals = deriveCalibration({
  closedPort: 23301,
  refusalSamplesMs: [2004, 2001, 2003],
  refusalLost: 0,
  answerSamplesMs: [1, 2],
  elapsedMs: 2006,
});

export const calibrated: UiAction = { type: 'sweep-calibrated', calibration: lateRefusals };
