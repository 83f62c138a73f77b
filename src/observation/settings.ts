import type { TransferExperimentSettings } from './transfers.js';

export interface ProbeSettings {
  host: string;
  port: number;
  family?: 4 | 6;
  /** --addresses: the provider's published addresses, checked besides what the name resolves to. */
  addresses?: string[];
  /** --address: run the full check on this one of the addresses. */
  address?: string;
  tls: 'off' | 'explicit' | 'implicit' | 'auto';
  insecure: boolean;
  /** --trust-fingerprint: the one certificate (SHA-256, "AB:CD:…") the check goes on with. */
  trustFingerprint?: string;
  user: string;
  /** True when a password was supplied (never the password itself). */
  passwordSupplied: boolean;
  /** Local ports for the active-mode listener, the first free one is used; [0, 0] = any port the system picks. */
  activePorts: [number, number];
  externalIp?: string;
  useEprt: boolean;
  ranges: Array<[number, number]>;
  sweep: 'full' | 'sample' | 'off';
  pasvSamples: number;
  followPasvAddress: boolean;
  /**
   * Consent (--compare-plain) to run the plain-text comparison session with the real login, so the
   * password crosses the network unencrypted once; without it only anonymous logins get that session.
   */
  comparePlain?: boolean;
  timeoutMs: number;
  stepTimeoutMs: number;
  /**
   * Most sweep connects in flight. Unset, the sweep sizes itself from the open-file limit; a caller
   * that runs the server in the same process (the self-test) halves that, since every connect then
   * costs two descriptors here: ours and the server's accepted socket.
   */
  sweepConcurrency?: number;
  /** The opt-in transfer experiments; unset, they run only against a writable reference server. */
  transfers?: TransferExperimentSettings;
  /** --idle-test: the longest silence the idle control connection test tries; unset, it does not run. */
  idleTestMs?: number;
  /** --parallel: extra sessions that each run a passive listing at the same time; unset, none. */
  parallel?: number;
}
