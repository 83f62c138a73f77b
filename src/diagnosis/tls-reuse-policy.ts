import type { ObservationLog } from '../observation/index.js';
import { SOURCES } from './client-sources.js';
import { reuseRefusal, type PassiveEntry } from './data-attempts.js';
import type { Evidence } from './finding.js';

/**
 * The server's TLS session-reuse policy as the tls-reuse probe showed it (src/probe/tls-reuse-probe.ts):
 * a protected data connection that deliberately started a fresh TLS session, refused for that
 * (RFC 4217 §10.2) → reuse required; accepted → not required. Anything else says nothing.
 */
export type ReusePolicy =
  { required: true; evidence: Evidence; entry: PassiveEntry } | { required: false; evidence: Evidence };

export function tlsReusePolicy(log: ObservationLog): ReusePolicy | undefined {
  const fresh = log.tlsReuse?.fresh;
  if (!fresh) return undefined;
  const entry: PassiveEntry = { kind: 'passive', ref: '/tlsReuse/fresh', attempt: fresh };
  const tls = fresh.connections.find((c) => c.tls)?.tls;
  if (fresh.outcome === 'ok' && tls?.sessionReused === false)
    return {
      required: false,
      evidence: {
        ref: entry.ref,
        fact: `a protected data connection that started a fresh TLS session (${tls.protocol ?? 'TLS'}, not resumed) was accepted: the server does not require session reuse`,
      },
    };
  const refusal = reuseRefusal(entry);
  if (!refusal) return undefined;
  return {
    required: true,
    entry,
    evidence: {
      ref: refusal.ref,
      fact: `a protected data connection that deliberately started a fresh TLS session was refused: ${refusal.reply.text.split('\n')[0]}`,
    },
  };
}

/** The client families that do not resume the control session, what each can do, and where that is documented. */
export const NON_RESUMING_CLIENTS: ReadonlyArray<{ family: string; remedy: string; source: string }> = [
  {
    family: '.NET SslStream (FtpWebRequest, FluentFTP with its default stream)',
    remedy:
      'FluentFTP with the FluentFTP.GnuTLS package (Config.CustomStream = typeof(GnuTlsStream)); FtpWebRequest cannot',
    source: SOURCES.dotnetReuse,
  },
  {
    family:
      'Java JSSE (Apache Commons Net FTPSClient and most Java FTP libraries), under TLS 1.3 even with the known session-copying workaround',
    remedy: 'a library that resumes the session on the data socket, or TLS 1.2 with the session-copying workaround',
    source: SOURCES.javaReuse,
  },
  {
    family: 'curl built with Schannel (Windows), under TLS 1.3',
    remedy: 'cap TLS at 1.2 (--tls-max 1.2), or use a curl built with OpenSSL',
    source: SOURCES.curlSchannel,
  },
  {
    family:
      'Node FTP libraries that do not pass the control session to the data socket (or, on Node ≥ 24.17, not its host name)',
    remedy: 'basic-ftp, which resumes the session (on Node ≥ 24.17, a release with PR #283)',
    source: SOURCES.nodeReuse,
  },
];
