/**
 * The passive range sweep: every port of a range connected to once, classified, fast.
 */
export { measureFdBudget } from './open-file-limit.js';
export { runSweep, type SweepOptions, type SweepProgress } from './port-sweep.js';
export { answersOnlyCalibration, calibrateSweep, calibratedBounds, deriveCalibration } from './calibration.js';
export { mergeSecondPass, silentRanges } from './second-pass.js';
