import type { ProbeSettings } from '../observation/index.js';
import type { ConfirmCertificate } from './certificate-trust.js';
import type { ConfirmComparePlain } from './plain-consent.js';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** The login password; never stored, never emitted (the transcript shows "PASS ***"). */
  password?: string;
  /** Asks the person about an untrusted certificate (see certificate-trust.ts). */
  confirmCertificate?: ConfirmCertificate;
  /** Asks the person for consent to the plain-text comparison with their login (see plain-consent.ts). */
  confirmComparePlain?: ConfirmComparePlain;
}

/** Port 21 (RFC 959), or 990 for implicit FTPS: IANA's "ftps" port; RFC 4217 itself defines only explicit AUTH TLS. */
export function defaultPort(tls: ProbeSettings['tls']): number {
  return tls === 'implicit' ? 990 : 21;
}

/** The engine's defaults; the CLI shows them in --help, so the two cannot drift apart. */
export function defaultSettings(host: string): ProbeSettings {
  return {
    host,
    port: 21,
    tls: 'off',
    insecure: false,
    user: 'anonymous',
    passwordSupplied: false,
    activePorts: [50000, 50009],
    useEprt: false,
    ranges: [[60000, 65535]],
    sweep: 'full',
    pasvSamples: 8,
    followPasvAddress: false,
    timeoutMs: 120_000,
    stepTimeoutMs: 10_000,
  };
}

/** Fresh sessions a run may open after losing one: enough for a few misbehaving probes, never a loop. */
export const MAX_REOPENS = 4;
