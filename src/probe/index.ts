/**
 * The probe engine: runs the check against a server, emits events and returns the observation log.
 */
export { defaultSettings, startProbe } from './engine.js';
