/**
 * The diagnosis: pure functions from an observation log to findings, channel verdicts and advice,
 * and the catalogue that explains every finding code.
 */
export { CATALOGUE, FINDING_CODES, explain, type CatalogueEntry } from './catalogue.js';
export { diagnose, type DiagnoseOptions } from './diagnose.js';
export type * from './finding.js';
export { CHANNELS, bySeverity } from './order.js';
export { describeConnect } from './connect-facts.js';
export { clientCompatibility, type ClientCompatibility, type ClientOutcome } from './client-compatibility.js';
export { isBlockingState } from './sweep-blocks.js';
export { sweepAsDiagnosed, upgradeLog } from './upgrade-log.js';
