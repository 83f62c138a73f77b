/**
 * A finding: one thing the diagnosis concluded from the observation log, with the evidence it
 * rests on, the firewall rule it infers, who should act, and how to fix it.
 * The codes are a stable contract (the JSON report, `ftpdoctor explain CODE`): never rename one.
 */

export type FindingCode =
  | 'CONTROL_UNREACHABLE'
  | 'CONTROL_NOT_FTP'
  | 'TLS_HANDSHAKE_FAILED'
  | 'TLS_CERT_UNTRUSTED'
  | 'LOGIN_FAILED'
  | 'PASSIVE_PORTS_BLOCKED'
  | 'PASV_PRIVATE_ADDRESS'
  | 'PASV_ADDRESS_MISMATCH'
  | 'EPSV_BLOCKED_PASV_OK'
  | 'ACTIVE_INBOUND_BLOCKED'
  | 'ACTIVE_NAT'
  | 'ACTIVE_NAT_OR_INBOUND'
  | 'ALG_REWRITE'
  | 'TLS_BREAKS_ALG'
  | 'TLS_SESSION_REUSE_REQUIRED'
  | 'DATA_STALLED'
  | 'DATA_STALLED_LARGE'
  | 'IDLE_CONTROL_DROPPED'
  | 'SESSION_LIMIT'
  | 'LOCAL_FIREWALL'
  | 'LOCAL_RESOURCE'
  | 'ADDRESS_SUBSET_BLOCKED'
  | 'FAMILY_PASSIVE_BLOCKED'
  | 'DATA_SOURCE_ADDRESS_CHANGED';

export type Severity = 'error' | 'warning' | 'info';
export type Channel = 'control' | 'passive' | 'active' | 'tls';
export type Actor = 'you' | 'network-admin' | 'server-admin';
export type Where = 'this-computer' | 'path' | 'server-side' | 'unknown';

/** How a blocked connection was blocked, as told by the socket. */
export type BlockKind = 'drop' | 'reset' | 'icmp-reject' | 'rate-limited-reject' | 'dns' | 'local' | 'nat' | 'alg';

export interface Evidence {
  /** JSON-pointer-like path into the observation log, e.g. "/passive/0/connections/0/connect". */
  ref: string;
  /** The fact in words, with its figures ("connect to 203.0.113.10:63211 timed out after 1200 ms"). */
  fact: string;
}

export interface FixExample {
  system: 'nftables' | 'iptables' | 'windows-firewall' | 'pf' | 'client' | 'server';
  /** Commands or config lines, ready to paste. */
  text: string;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  channel: Channel;
  title: string;
  /** How it was blocked, where that applies. */
  how?: BlockKind;
  evidence: Evidence[];
  /** The inferred rule in plain words. */
  rule?: string;
  where: Where;
  actor: Actor;
  /** Concrete steps, most useful first. */
  fix: string[];
  examples: FixExample[];
  /** Port runs the finding is about, exact ([from, to] inclusive). */
  ports?: Array<[number, number]>;
}

export type ChannelStatus = 'ok' | 'partial' | 'blocked' | 'error' | 'skipped';

export interface ChannelVerdict {
  status: ChannelStatus;
  /** One line: why this status. */
  summary: string;
}

export type Verdicts = Record<Channel, ChannelVerdict>;

export interface Diagnosis {
  /** The channels that had to work (--require; control is always needed). */
  required: Channel[];
  channels: Verdicts;
  findings: Finding[];
  /** Overall: ok when every required channel is ok. */
  verdict: 'ok' | 'problems' | 'blocked' | 'error';
  recommendation: string;
}
