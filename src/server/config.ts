/**
 * Everything the reference server can be told, mirroring the `ftpdoctor serve` flags.
 * Pure: resolving a partial config into a complete one touches no socket and no file.
 */

export interface ServerLimits {
  /** Sessions open at once over the whole server; the next one gets 421 and is closed. */
  maxSessions: number;
  /** Sessions open at once from one client address. */
  maxSessionsPerIp: number;
  /** Longest command line accepted, CRLF excluded (RFC 959 sets none; 4 KiB as common servers do). */
  maxCommandLineBytes: number;
  /** A control connection with no command for this long is closed with 421. */
  idleTimeoutMs: number;
  /** How long a transfer command waits for its data connection to open. */
  dataConnectTimeoutMs: number;
  /** A data connection moving no byte for this long is aborted with 426. */
  dataIdleTimeoutMs: number;
  /** Delay before answering a failed PASS; grows with each failure from the same address. */
  loginFailureDelayMs: number;
  /** Failed logins in one session before the server closes it with 421. */
  maxLoginFailures: number;
  /**
   * A session not logged in this long after connecting is closed with 421, however busily it
   * trickles bytes: the idle timeout alone lets a slowloris client hold a session slot forever.
   */
  loginTimeoutMs: number;
  /** Largest file STOR may write into the in-memory demo tree. */
  maxMemoryFileBytes: number;
}

export interface ServerConfig {
  /** Address to bind; undefined = every address (dual-stack "::" where available). */
  host: string | undefined;
  port: number;
  pasvRange: [number, number];
  /** Address written into 227 replies instead of the control connection's local address (NAT). */
  pasvAddress: string | undefined;
  /** Directory served; undefined = the built-in in-memory demo tree. */
  root: string | undefined;
  writable: boolean;
  user: string | undefined;
  password: string | undefined;
  /** Anonymous login; on by default unless a real account is configured. */
  anonymous: boolean;
  /** PEM; undefined (with tlsKey) = a self-signed certificate generated at start. */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** Port of a second listener speaking implicit FTPS (TLS from the first byte); undefined = none. */
  implicitPort: number | undefined;
  /** Refuse a TLS data connection that does not resume the control connection's TLS session. */
  requireTlsReuse: boolean;
  /** Local port of active-mode data connections; 0 = any. */
  activeSourcePort: number;
  /** Listen on every port of pasvRange and answer stray connections with a token line. */
  sweepMode: boolean;
  limits: ServerLimits;
  /** Where the server writes its one-line log records; undefined = silent. Never receives a password. */
  log: ((line: string) => void) | undefined;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxSessions: 256,
  maxSessionsPerIp: 32,
  maxCommandLineBytes: 4096,
  idleTimeoutMs: 300_000,
  dataConnectTimeoutMs: 30_000,
  dataIdleTimeoutMs: 60_000,
  loginFailureDelayMs: 1000,
  maxLoginFailures: 5,
  loginTimeoutMs: 60_000,
  maxMemoryFileBytes: 16 * 1024 * 1024,
};

export const DEFAULT_PASV_RANGE: [number, number] = [60000, 65535];

/** Real servers use 21 and 20; an unprivileged process cannot bind below 1024. */
export function isPrivileged(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function defaultControlPort(privileged: boolean): number {
  return privileged ? 21 : 2121;
}

/** What a caller gives: any field, and any of the limits (the rest take their defaults). */
export type ServerOptions = Partial<Omit<ServerConfig, 'limits'>> & { limits?: Partial<ServerLimits> };

export function resolveConfig(partial: ServerOptions, privileged = isPrivileged()): ServerConfig {
  const user = partial.user;
  return {
    host: partial.host,
    port: partial.port ?? defaultControlPort(privileged),
    pasvRange: partial.pasvRange ?? DEFAULT_PASV_RANGE,
    pasvAddress: partial.pasvAddress,
    root: partial.root,
    writable: partial.writable ?? false,
    user,
    password: partial.password,
    anonymous: partial.anonymous ?? user === undefined,
    tlsCert: partial.tlsCert,
    tlsKey: partial.tlsKey,
    implicitPort: partial.implicitPort,
    requireTlsReuse: partial.requireTlsReuse ?? false,
    activeSourcePort: partial.activeSourcePort ?? (privileged ? 20 : 0),
    sweepMode: partial.sweepMode ?? false,
    limits: { ...DEFAULT_LIMITS, ...partial.limits },
    log: partial.log,
  };
}
