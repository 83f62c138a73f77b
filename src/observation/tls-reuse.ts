import type { PassiveAttempt } from './data.js';

/**
 * The server's TLS session-reuse policy on data connections, probed (RFC 4217 §10.2; issue 12). The
 * check's own data connections resume the control session, so they pass against a server that
 * requires it, and clients that do not resume (.NET SslStream, Java JSSE under TLS 1.3, curl with
 * Schannel) fail there: one protected data connection deliberately starts a fresh TLS session.
 */
export interface TlsReuseProbe {
  /** The passive data connection whose TLS handshake did not offer the control session. */
  fresh: PassiveAttempt;
  /** The policy per TLS version (1.2 and 1.3) where the server offers it; optional, added in schemaVersion 2. */
  versions?: TlsVersionReuse[];
}

/** The TLS versions whose reuse policy is probed: Node's default range (tls.DEFAULT_MIN_VERSION … DEFAULT_MAX_VERSION). */
export type ProbedTlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** A negotiated protocol as one of the probed versions, or undefined for any other. */
export function probedVersion(protocol: string | undefined): ProbedTlsVersion | undefined {
  return protocol === 'TLSv1.2' || protocol === 'TLSv1.3' ? protocol : undefined;
}

/** What one TLS version showed: whether the server offers it, its reuse policy, and resumed data connections in a row. */
export interface TlsVersionReuse {
  version: ProbedTlsVersion;
  /**
   * How the version was learnt: `check-session` (the check's own session negotiated it), `negotiated-lower`
   * (the check offered up to TLS 1.3 and the server chose 1.2, so it does not offer 1.3), `pinned-session`
   * (a control session whose handshake offered only this version).
   */
  learntBy: 'check-session' | 'negotiated-lower' | 'pinned-session';
  /** Whether the server completed a handshake under this version; absent when the pinned session failed for another reason. */
  offered?: boolean;
  /** Why this version was not probed at all (the check's own version took too long to probe again). */
  notProbed?: string;
  /** Why the pinned session could not be opened (its TLS handshake's error, when that was the failure). */
  error?: { code: string; message: string };
  /**
   * A data connection starting a fresh TLS session under this version. For the check's own version it is
   * `/tlsReuse/fresh` and absent here.
   */
  fresh?: PassiveAttempt;
  /**
   * Protected data connections in a row on one control session, each offering the control session for
   * resumption (`connections[0].tls.sessionReused` says whether the server resumed it); the row stops at the first
   * that did not work. Java JSSE clients under TLS 1.3 fail after a few transfers against a server that requires
   * reuse (the javaReuse source in src/diagnosis/client-sources.ts), so one resumption is not enough to show a
   * server keeps resuming.
   */
  series?: PassiveAttempt[];
}
