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
}
