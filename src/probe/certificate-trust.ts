import type { CertificateInfo, ErrorCode, TlsObservation } from '../observation/index.js';

/**
 * Asks the person at the terminal whether to trust a certificate the system does not (FileZilla's
 * "Unknown certificate" dialog). Resolves false when declined, unanswered or the run is stopped.
 */
export type ConfirmCertificate = (
  certificate: CertificateInfo,
  context: { authorizationError?: string; signal: AbortSignal },
) => Promise<boolean>;

export interface TrustInput {
  /** The system's verdict on the chain (tls.TLSSocket#authorized). */
  authorized: boolean;
  authorizationError?: string;
  certificate?: CertificateInfo;
  insecure: boolean;
  /** --trust-fingerprint, normalised by normaliseFingerprint. */
  trustFingerprint?: string;
  confirm?: ConfirmCertificate;
  /** The fingerprint the person already accepted in this run: a second session does not ask again. */
  acceptedBefore?: string;
  signal: AbortSignal;
}

export type TrustOutcome =
  | { proceed: true; acceptedBy?: NonNullable<TlsObservation['acceptedBy']> }
  | { proceed: false; error: { code: ErrorCode; message: string } };

/**
 * Whether the check goes on over this TLS session. A pinned fingerprint decides alone: it must
 * match, whatever the system thinks of the chain (a pin names one certificate). Otherwise a trusted
 * chain goes on; an untrusted one with --insecure, or when the person says yes when asked.
 */
export async function decideTrust(input: TrustInput): Promise<TrustOutcome> {
  const { certificate } = input;
  if (input.trustFingerprint !== undefined) {
    const presented = certificate ? normaliseFingerprint(certificate.fingerprint256) : undefined;
    if (presented === input.trustFingerprint) return { proceed: true, acceptedBy: 'fingerprint' };
    return {
      proceed: false,
      error: {
        code: 'E_TLS_FINGERPRINT',
        message: `the server's certificate has SHA-256 fingerprint ${presented ?? '(none: no certificate sent)'}, not ${input.trustFingerprint} as --trust-fingerprint requires`,
      },
    };
  }
  if (input.authorized) return { proceed: true };
  if (input.insecure) return { proceed: true, acceptedBy: 'insecure' };
  if (certificate && input.acceptedBefore === certificate.fingerprint256) return { proceed: true, acceptedBy: 'user' };
  const reason = input.authorizationError ?? 'unknown reason';
  if (input.confirm && certificate && !input.signal.aborted) {
    const context = input.authorizationError
      ? { authorizationError: input.authorizationError, signal: input.signal }
      : { signal: input.signal };
    if (await input.confirm(certificate, context)) return { proceed: true, acceptedBy: 'user' };
    return { proceed: false, error: { code: 'E_TLS_CERT', message: `certificate not trusted (${reason}): declined` } };
  }
  return {
    proceed: false,
    error: {
      code: 'E_TLS_CERT',
      message: `certificate not trusted (${reason}); use --trust-fingerprint SHA256 or --insecure to go on`,
    },
  };
}

/**
 * A SHA-256 fingerprint as Node prints it (tls.PeerCertificate#fingerprint256: upper-case hex
 * pairs joined by colons), from that form, bare hex, or either after "SHA256:" or openssl's
 * "sha256 Fingerprint=" (`openssl x509 -noout -fingerprint -sha256`); undefined
 * when it is not 32 bytes of hex.
 */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text
    .trim()
    .replace(/^sha-?256(\s*fingerprint)?\s*[:=]?/i, '')
    .replace(/[:\s]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)?.join(':');
}
