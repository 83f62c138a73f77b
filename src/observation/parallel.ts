import type { Reply } from '../ftp/index.js';
import type { ErrorCode } from './errors.js';
import type { PassiveAttempt } from './data.js';

/**
 * Many transfers at once (--parallel N): sessions opened one after another while the earlier ones
 * stay open, stopping at the first the server refuses, then a passive listing on every open
 * session at the same moment.
 */

export interface SessionRefusal {
  /** Which extra session (1-based) was refused, and where: at connect, in the greeting (421) or at login. */
  session: number;
  stage: 'connect' | 'greeting' | 'login';
  reply?: Reply;
  error?: { code: ErrorCode; message: string };
}

export interface ParallelObservation {
  requested: number;
  command: 'PASV' | 'EPSV';
  /** Extra sessions that opened and logged in. */
  opened: number;
  /** The check's own sessions open besides them (its first, and those its data probes still hold). */
  ownSessions: number;
  refusal?: SessionRefusal;
  /** One passive listing per open session, all started together. */
  attempts: PassiveAttempt[];
  /** Passive ports the server advertised to more than one of the simultaneous sessions. */
  reusedPorts: number[];
}
