import type { AddressClass } from '../ftp/address-class.js';
import type { ServerSoftware } from './server-software.js';

/**
 * The observation log: what the probe engine saw, step by step, as plain JSON-serialisable data.
 * It records facts and decides nothing; the diagnosis turns it into findings and verdicts.
 * Every time is in milliseconds; every address is a literal IP as the socket reported it.
 */

export const OBSERVATION_VERSION = 1;

/** How a TCP connect() ended (see connect-outcome.ts for the errno mapping). */
export type ConnectState =
  | 'open' // the three-way handshake completed
  | 'reset' // ECONNREFUSED: a RST (or ICMP port-unreachable) came back
  | 'icmp-reject' // EHOSTUNREACH / ENETUNREACH / EACCES / ENOPROTOOPT: an ICMP error other than port-unreachable
  | 'no-answer' // our timeout or ETIMEDOUT: nothing came back (a DROP somewhere)
  | 'local-error' // EMFILE, EADDRINUSE, EADDRNOTAVAIL, EINVAL…: this computer could not even try
  | 'aborted'; // the user or the overall deadline stopped it

export interface ConnectOutcome {
  state: ConnectState;
  address: string;
  port: number;
  /** errno name as Node reports it ("ECONNREFUSED"), absent on success and on our own timeout. */
  errno?: string;
  elapsedMs: number;
  /** The timeout this attempt used. */
  timeoutMs: number;
  /** Local end of the socket when it opened. */
  localAddress?: string;
  localPort?: number;
}

export interface Reply {
  code: number;
  /** Full text of the reply, all lines joined with "\n", capped (see truncated). */
  text: string;
  truncated?: boolean;
}

export interface TranscriptLine {
  /** ms since the run started */
  t: number;
  dir: 'sent' | 'received' | 'note';
  /** The line without CRLF; PASS arguments are replaced by "***" before they are ever stored. */
  text: string;
  /** Which connection: "control" for the control channel. */
  channel: 'control';
}

export type StepStatus = 'ok' | 'warn' | 'fail' | 'skipped' | 'aborted';

/** A coarse timeline of what ran, for views and timings. Details live in the typed sections below. */
export interface StepRecord {
  id: StepId;
  label: string;
  status: StepStatus;
  startedMs: number;
  elapsedMs: number;
  summary: string;
}

export type StepId =
  | 'resolve'
  | 'control-connect'
  | 'greeting'
  | 'auth-tls'
  | 'login'
  | 'features'
  | 'server-view'
  | 'passive'
  | 'active'
  | 'sweep'
  | 'local-firewall';

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

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  selfSigned: boolean;
  expired: boolean;
  hostnameMatches: boolean;
  subjectAltNames?: string;
}

export interface TlsObservation {
  requested: 'explicit' | 'implicit' | 'auto';
  /** Reply to AUTH TLS (RFC 4217 §4), absent for implicit TLS. */
  authReply?: Reply;
  established: boolean;
  protocol?: string;
  cipher?: string;
  certificate?: CertificateInfo;
  /** OpenSSL's verification error when the chain is not trusted (e.g. "DEPTH_ZERO_SELF_SIGNED_CERT"). */
  authorizationError?: string;
  /** The user allowed an untrusted certificate (--insecure). */
  insecureAccepted: boolean;
  /**
   * With --tls-auto, TLS was not established (refused, failed, or an untrusted certificate with an
   * anonymous login) and the check went on in plain text, on a fresh control session when needed.
   */
  fellBackToPlain?: boolean;
  error?: { code: ErrorCode; message: string };
  pbszReply?: Reply;
  protReply?: Reply;
  /** Reply to PROT C when the probe switched to clear data for the comparison (536/534 = refused). */
  protClearReply?: Reply;
  elapsedMs: number;
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
  outcome: ActiveOutcome;
  elapsedMs: number;
}

/** Per-port result of the passive range sweep. */
export type PortState =
  | 'open' // connected (and, against the reference server, its token matched)
  | 'closed' // reset from a port with nothing listening: the path is open
  | 'no-answer'
  | 'icmp-reject'
  | 'local-error'
  | 'token-mismatch' // connected, but the reference server's token was missing or wrong: a middlebox answered
  | 'blocked-reset'; // reset from a port the server had just advertised or owns: a firewall reject

export interface PortRun {
  from: number;
  to: number;
  state: PortState;
}

export interface SweepObservation {
  mode: 'full' | 'sample';
  address: string;
  ranges: Array<[number, number]>;
  /** Against the reference server's sweep listeners (tokens checked) or any server (connect only). */
  cooperative: boolean;
  /** Ports tested, compressed into runs, sorted by port; untested ports appear in no run. */
  runs: PortRun[];
  counts: Partial<Record<PortState, number>>;
  portsTested: number;
  retries: number;
  /** RTT estimator at the end: smoothed RTT and the per-port timeout it gave. */
  timing: { srttMs: number; rttvarMs: number; timeoutMs: number; initialRttMs?: number };
  concurrency: { max: number; final: number; fdLimit?: number };
  /** Samples of an errno per state, for evidence (e.g. "EHOSTUNREACH" for icmp-reject). */
  errnos: Partial<Record<PortState, string[]>>;
  /**
   * Stretches of consecutive ports mixing icmp-reject and no-answer: one REJECT-with-ICMP rule seen
   * through Linux's ICMP rate limit (a burst of ~6, then ~1/s) looks like this (src/sweep/icmp-rate-limit.ts).
   */
  icmpMix?: Array<{ from: number; to: number; icmpReject: number; noAnswer: number }>;
  /** Each pass over the ports: the first, then retries of the ports that got no answer. */
  passes?: Array<{ ports: number; timeoutMs: number; elapsedMs: number; answered: number }>;
  /**
   * This computer's ephemeral port range, and the source ports the sweep bound to instead when that
   * range overlaps the swept ranges (so a direction-less rule on the path cannot hit our own ports).
   */
  sourcePorts?: { ephemeral: [number, number]; pinned?: Array<[number, number]> };
  /** Samples of what answered instead of the reference server's token (evidence for token-mismatch). */
  tokenMismatches?: Array<{ port: number; reason: string; got: string }>;
  elapsedMs: number;
  complete: boolean;
}

export interface LocalFirewallObservation {
  platform: string;
  /** Which tool we read the ruleset with, read-only. */
  source?: 'nft' | 'iptables-save';
  readable: boolean;
  /** Why not readable (not root, tool missing…). */
  reason?: string;
  /** The ruleset text, capped at 256 KiB. */
  ruleset?: string;
  /** The ruleset was longer than the cap and was cut. */
  truncated?: boolean;
}

export interface EnvironmentObservation {
  os: string;
  node: string;
  localAddresses: string[];
  /** Local ephemeral port range (Linux ip_local_port_range), since it overlaps common passive ranges. */
  ephemeralPorts?: [number, number];
  fdLimit?: number;
}

/** Stable error codes carried by every recorded failure. */
export type ErrorCode =
  | 'E_DNS'
  | 'E_CONNECT'
  | 'E_TIMEOUT'
  | 'E_CLOSED'
  | 'E_RESET'
  | 'E_NOT_FTP'
  | 'E_REPLY_TOO_LONG'
  | 'E_BAD_REPLY'
  | 'E_TLS'
  | 'E_TLS_CERT'
  | 'E_LOGIN'
  | 'E_LOCAL_RESOURCE'
  | 'E_ABORTED'
  | 'E_PROTOCOL';

export interface ProbeSettings {
  host: string;
  port: number;
  family?: 4 | 6;
  tls: 'off' | 'explicit' | 'implicit' | 'auto';
  insecure: boolean;
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
  timeoutMs: number;
  stepTimeoutMs: number;
  /**
   * Most sweep connects in flight. Unset, the sweep sizes itself from the open-file limit; a caller
   * that runs the server in the same process (the self-test) halves that, since every connect then
   * costs two descriptors here: ours and the server's accepted socket.
   */
  sweepConcurrency?: number;
}

export interface ObservationLog {
  observationVersion: typeof OBSERVATION_VERSION;
  startedAt: string;
  endedAt: string;
  /** False when the run was stopped (Ctrl-C, deadline) or a step could not finish. */
  complete: boolean;
  abortReason?: 'signal' | 'deadline';
  settings: ProbeSettings;
  environment: EnvironmentObservation;
  steps: StepRecord[];
  resolve?: ResolveObservation;
  control: ControlObservation;
  tls?: TlsObservation;
  login?: LoginObservation;
  features?: { featReply?: Reply; features: string[]; systReply?: Reply };
  /** Which server software answered, recognised from greeting, SYST and FEAT (src/probe/server-software.ts). */
  serverSoftware?: ServerSoftware;
  serverView?: ServerView;
  passive: PassiveAttempt[];
  active: ActiveAttempt[];
  sweep?: SweepObservation;
  localFirewall?: LocalFirewallObservation;
  transcript: TranscriptLine[];
}
