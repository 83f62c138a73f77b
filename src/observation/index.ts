/**
 * The program's vocabulary: the observation log the probe engine fills and everything below the
 * diagnosis reads, one file per section of the log, and the events the engine emits while it fills it.
 */
export type { Reply } from '../ftp/index.js';
export * from './addresses.js';
export * from './calibration.js';
export * from './connect.js';
export * from './control.js';
export * from './control-fallback.js';
export * from './data.js';
export * from './environment.js';
export * from './errnos.js';
export * from './errors.js';
export * from './events.js';
export * from './idle.js';
export * from './late-reply.js';
export * from './log.js';
export * from './parallel.js';
export * from './passive-listeners.js';
export * from './old-closed-state.js';
export * from './server-software.js';
export * from './settings.js';
export * from './steps.js';
export * from './sweep.js';
export * from './tls.js';
export * from './tls-reuse.js';
export * from './transfers.js';
export * from './transcript.js';
