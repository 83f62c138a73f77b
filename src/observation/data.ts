import type { AddressClass, Reply } from '../ftp/index.js';
import type { ConnectOutcome } from './connect.js';
import type { ErrorCode } from './errors.js';
import type { LateReply } from './late-reply.js';

export type Protection = 'clear' | 'private'; // RFC 4217 PROT C / PROT P

export interface DataTransfer {
  /** What ended the transfer. */
  result: 'complete' | 'no-data' | 'stalled' | 'reset' | 'tls-failed' | 'aborted' | 'error';
  bytes: number;
  firstByteMs?: number;
  totalMs: number;
  error?: { code: ErrorCode; message: string; errno?: string };
}

export interface DataTls {
  ok: boolean;
  /** Whether the data channel resumed the control channel's TLS session (RFC 4217 §10.2 / vsftpd require_ssl_reuse). */
  sessionReused?: boolean;
  protocol?: string;
  error?: { code: ErrorCode; message: string };
  elapsedMs: number;
}

export interface DataConnectAttempt {
  via: 'advertised' | 'control-peer';
  connect: ConnectOutcome;
  tls?: DataTls;
  transfer?: DataTransfer;
}

export type PassiveOutcome =
  | 'ok'
  | 'command-refused' // PASV/EPSV answered with 4xx/5xx
  | 'bad-reply' // 227/229 we could not parse
  | 'connect-failed' // no data connection could be made
  | 'no-data' // connected, the server never sent a byte (nor closed)
  | 'stalled' // data started then stopped
  | 'tls-failed'
  | 'transfer-refused' // LIST answered with 425/426/522/…
  | 'aborted'
  | 'error';

export interface PassiveAttempt {
  command: 'PASV' | 'EPSV';
  protection: Protection;
  /** Whether the control channel was under TLS (an ALG can read and rewrite 227 only when it is not). */
  controlTls?: boolean;
  /** 'probe': the PASV/EPSV check itself; 'sample': one of the repeated PASV probes that feed the sweep. */
  purpose?: 'probe' | 'sample';
  /** The control peer at the time (what we connected to). */
  controlPeer: string;
  reply?: Reply;
  parseError?: string;
  /** As advertised by the server; EPSV carries no address (RFC 2428 §3), so it is the control peer. */
  advertised?: { address: string; port: number; addressClass: AddressClass };
  /** The reference server's own record of the reply it sent (probe extension), for ALG-rewrite detection. */
  serverSent?: string;
  /** Connections tried, in order. */
  connections: DataConnectAttempt[];
  /** Did we skip connecting to the advertised address (a third host), and why. */
  advertisedSkipped?: string;
  listCommand?: 'LIST' | 'NLST' | 'MLSD';
  /** Reply to LIST (the preliminary 1xx) and the final one (226 / 425 / 426 / 522 …). */
  listReplies: Reply[];
  outcome: PassiveOutcome;
  elapsedMs: number;
}

export type ActiveOutcome =
  | 'ok'
  | 'listen-failed' // could not listen on the chosen port locally
  | 'command-refused' // PORT/EPRT answered with 5xx (vsftpd "500 Illegal PORT command.")
  | 'no-inbound' // server accepted PORT, nothing arrived within the wait
  | 'server-connect-failed' // server replied 425 after trying to connect
  | 'no-data'
  | 'stalled'
  | 'tls-failed'
  | 'aborted'
  | 'error';

export interface ActiveAttempt {
  command: 'PORT' | 'EPRT';
  protection: Protection;
  /** Whether the control channel was under TLS (an ALG can read and rewrite PORT only when it is not). */
  controlTls?: boolean;
  /** Where we listened. */
  listen: { address: string; port: number } | { error: { code: ErrorCode; errno?: string; message: string } };
  /** Address and port written into the PORT/EPRT argument. */
  advertised?: { address: string; port: number; addressClass: AddressClass };
  /** The PORT/EPRT argument exactly as sent, and as the reference server says it received it. */
  sentArgument?: string;
  serverReceived?: string;
  portReply?: Reply;
  listCommand?: 'LIST' | 'NLST';
  listReplies: Reply[];
  inbound?: {
    arrived: boolean;
    from?: { address: string; port: number };
    /** From sending PORT/EPRT until the connection arrived (or the wait ended). */
    waitedMs: number;
    /**
     * When the server connected: while handling PORT/EPRT, before the transfer command went out
     * (pyftpdlib, some Windows servers), or after the transfer command (vsftpd, proftpd, pure-ftpd).
     */
    connectedAt?: 'port-command' | 'transfer-command';
  };
  tls?: DataTls;
  transfer?: DataTransfer;
  /** The server's reply to the transfer (or PORT) command after the probe stopped waiting for it. */
  lateReply?: LateReply;
  outcome: ActiveOutcome;
  elapsedMs: number;
}
