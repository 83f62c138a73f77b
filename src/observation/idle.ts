import type { Reply } from '../ftp/index.js';
import type { ErrorCode } from './errors.js';

/**
 * The idle control connection test (--idle-test): sessions opened together, each silent until its
 * own probe time, then a NOOP. A NAT router, firewall or load balancer that forgets an idle flow
 * shows as the first probe with no answer or a reset; the server's own idle timeout as a 421.
 */

export type IdleProbeOutcome =
  | 'answered' // the NOOP got its reply: the flow survived this much silence
  | 'no-answer' // the NOOP vanished: a middlebox forgot the flow and drops its packets
  | 'reset' // the NOOP was answered with a reset (a middlebox that rejects unknown flows, or the server)
  | 'server-closed' // the server ended the session while it was idle (a 421, or its own close)
  | 'not-opened' // the session could not be opened or logged in
  | 'aborted';

export interface IdleProbe {
  /** How long the session was meant to stay silent, and how long it did. */
  plannedIdleMs: number;
  idleMs?: number;
  outcome: IdleProbeOutcome;
  reply?: Reply;
  error?: { code: ErrorCode; message: string };
}

export interface IdleTestObservation {
  durationMs: number;
  probes: IdleProbe[];
  /** The longest silence a session survived, and the shortest after which one was lost (no answer or reset). */
  survivedMs?: number;
  lostAfterMs?: number;
}
