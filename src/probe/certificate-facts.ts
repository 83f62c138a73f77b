import type { CertificateInfo } from '../observation/index.js';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

/** The facts a person needs about the server's certificate: who, issued by whom, until when, for which names. */
export function certificateFacts(
  cert: PeerCertificate,
  host: string,
  now: Date,
  authorizationError?: string,
): CertificateInfo {
  const subject = distinguishedName(cert.subject);
  const issuer = distinguishedName(cert.issuer);
  const validTo = new Date(cert.valid_to);
  const info: CertificateInfo = {
    subject,
    issuer,
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    fingerprint256: cert.fingerprint256,
    selfSigned: authorizationError === 'DEPTH_ZERO_SELF_SIGNED_CERT' || subject === issuer,
    expired: validTo.getTime() < now.getTime(),
    hostnameMatches: checkServerIdentity(host, cert) === undefined,
  };
  if (cert.subjectaltname) info.subjectAltNames = cert.subjectaltname;
  return info;
}

function distinguishedName(fields: PeerCertificate['subject'] | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}
