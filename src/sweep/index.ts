/**
 * The passive range sweep: every port of a range connected to once, classified, fast.
 */
export { measureFdBudget } from './open-file-limit.js';
export { runSweep } from './port-sweep.js';
export { calibrateSweep, calibratedBounds, deriveCalibration } from './calibration.js';
