import type { Reply } from '../ftp/index.js';
import type { ConnectOutcome } from './connect.js';
import type { ErrorCode } from './errors.js';

export interface ResolveObservation {
  host: string;
  addresses: Array<{ address: string; family: 4 | 6 }>;
  used?: string;
  elapsedMs: number;
  /** DNS failure: the errno (ENOTFOUND, EAI_AGAIN…) and message. */
  error?: { code: string; message: string };
}

export type GreetingKind =
  | 'ftp' // 220 (possibly after 120)
  | 'ftp-busy' // 421 service not available
  | 'http'
  | 'ssh'
  | 'smtp'
  | 'tls' // the server started a TLS handshake (implicit FTPS on a plain connection)
  | 'silent' // connected, nothing within the greeting timeout
  | 'slow' // the start of a reply arrived, but it did not complete within the greeting timeout (a byte at a time)
  | 'garbage' // bytes that are not an FTP reply
  | 'closed'; // closed without a word

export interface ControlObservation {
  connect?: ConnectOutcome;
  implicitTls: boolean;
  greeting?: {
    kind: GreetingKind;
    reply?: Reply;
    /** First bytes received, printable-escaped, capped at 256 characters. */
    firstBytes: string;
    elapsedMs: number;
  };
  /** Why the control session ended early, when it did. */
  closedEarly?: { reason: string; code: ErrorCode; elapsedMs: number };
  /**
   * Set when the server itself went away during the run (its control connection closed and its
   * control port stopped accepting): resets seen after that are the dead server's, no firewall's.
   */
  serverGone?: string;
}

export interface LoginObservation {
  user: string; // "anonymous" or the given name; never the password
  anonymous: boolean;
  userReply?: Reply;
  passReply?: Reply;
  ok: boolean;
  elapsedMs: number;
}

/** What the reference server says it saw (its probe extensions, see src/server/probe-extensions.ts). */
export interface ServerView {
  /** Address and port the server saw the control connection come from (NAT detection). */
  peer?: { address: string; port: number };
  /** Whether the server offers the sweep token listeners, and on which ranges. */
  sweep?: { serverId: string; ranges: Array<[number, number]> };
}
