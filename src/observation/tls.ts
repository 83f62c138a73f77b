import type { Reply } from '../ftp/index.js';
import type { ErrorCode } from './errors.js';

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
  /** The user allowed an untrusted certificate (--insecure, --trust-fingerprint or a yes when asked). */
  insecureAccepted: boolean;
  /** Who let the check go on past the certificate: --insecure, a matching --trust-fingerprint, or the person when asked. */
  acceptedBy?: 'insecure' | 'fingerprint' | 'user';
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
