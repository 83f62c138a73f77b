/**
 * The probe engine: runs the check against a server, emits events and returns the observation log.
 */
export { runProbe, startProbe } from './engine.js';
export { defaultPort, defaultSettings, type ProbeOptions } from './settings.js';
export { normaliseFingerprint, type ConfirmCertificate } from './certificate-trust.js';
export { DEFAULT_MAX_BYTES as DEFAULT_TRANSFER_MAX_BYTES } from './transfer-step.js';
export { MAX_PARALLEL } from './parallel-test.js';
export type { ConfirmComparePlain } from './plain-consent.js';
