/**
 * What every view shows the same way: each state's symbol, colour and label (so a view reads the
 * same without colour), number and time formats, and the passive range as a map of cells.
 */
export * from './address-rows.js';
export * from './calibration-words.js';
export * from './looks.js';
export * from './range-map.js';
export * from './transfer-lines.js';
export * from './idle-lines.js';
export * from './parallel-lines.js';
export * from './transcript-lines.js';
