import type { ObservationLog, ProbeSettings } from '../observation/index.js';
import type { ConfirmCertificate } from './certificate-trust.js';
import type { ConfirmComparePlain } from './plain-consent.js';
import type { Transcript } from './transcript.js';

/** What every step of one run shares: settings, the run's stop signal, the log being filled, the transcript. */
export interface ProbeRun {
  readonly settings: ProbeSettings;
  /** Never stored anywhere: sent once after USER, written to the transcript as "PASS ***". */
  readonly password: string | undefined;
  /** Asks the person about a certificate the system does not trust (the live view); absent: no one to ask. */
  readonly confirmCertificate?: ConfirmCertificate;
  /** Asks for consent to the plain-text comparison with the real login (the live view); absent: no one to ask. */
  readonly confirmComparePlain?: ConfirmComparePlain;
  /** Fires on the user's signal or the overall deadline. */
  readonly signal: AbortSignal;
  readonly log: ObservationLog;
  readonly transcript: Transcript;
  /** The certificate (SHA-256) the person accepted when asked: later sessions of this run go on with it. */
  acceptedFingerprint?: string;
  /** Address the control connection targets (resolved). */
  address: string;
}

export function elapsedSince(started: number): number {
  return Math.round(performance.now() - started);
}
