import type { ObservationLog } from '../observation/index.js';
import { SOURCES } from './client-sources.js';
import type { Evidence } from './finding.js';
import { versionName, versionPolicies, type VersionPolicy } from './tls-version-policy.js';

/**
 * The server's TLS session-reuse policy as the tls-reuse probe showed it (src/probe/tls-reuse-probe.ts),
 * per TLS version (tls-version-policy.ts): a protected data connection that deliberately started a
 * fresh TLS session, refused for that (RFC 4217 §10.2) under any version → reuse required; accepted
 * → not required. Anything else says nothing.
 */
export interface ReusePolicy {
  required: boolean;
  evidence: Evidence[];
  versions: VersionPolicy[];
}

export function tlsReusePolicy(log: ObservationLog): ReusePolicy | undefined {
  const versions = versionPolicies(log);
  if (versions.every((v) => v.required === undefined)) return undefined;
  return { required: versions.some((v) => v.required), evidence: versions.flatMap((v) => v.evidence), versions };
}

/** The policy in words for the TLS summary: per version, with the resumed connections in a row and the versions not offered. */
export function policyWords(policy: ReusePolicy): string {
  const under = (vs: VersionPolicy[]): string =>
    vs.every((v) => v.version) ? ` under ${vs.map((v) => versionName(v.version)).join(' and ')}` : '';
  const parts = [
    policy.required
      ? `the server requires data connections to resume the TLS session (a fresh session was refused)${under(policy.versions.filter((v) => v.required))}`
      : `the server accepts a fresh TLS session on data connections (no reuse required)${under(policy.versions.filter((v) => v.required === false))}`,
  ];
  const lax = policy.required ? policy.versions.filter((v) => v.required === false) : [];
  if (lax.length) parts.push(`a fresh session was accepted${under(lax)}`);
  const rows = new Map<string, string[]>();
  for (const v of policy.versions) {
    if (v.series.tried > 0) {
      const key = seriesWords(v.series);
      rows.set(key, [...(rows.get(key) ?? []), versionName(v.version)]);
    } else if (v.offered === false) parts.push(`the server does not offer ${versionName(v.version)}`);
    else if (v.error) parts.push(`a ${versionName(v.version)} session failed (${v.error})`);
    else if (v.notProbed) parts.push(`${versionName(v.version)} not probed (${v.notProbed})`);
  }
  for (const [words, names] of rows) parts.push(words.replace('{under}', `under ${names.join(' and ')}`));
  return parts.join('; ');
}

/** A row of data connections in words, `{under}` standing for the versions it was seen under. */
function seriesWords({ tried, worked, resumed }: VersionPolicy['series']): string {
  if (resumed === tried) return `${tried} of ${tried} resumed data connections in a row worked {under}`;
  const resuming = resumed === 0 ? 'none resuming the session' : `${resumed} resuming the session`;
  return `${worked} of ${tried} data connections in a row worked {under}, ${resuming}`;
}

/**
 * What the per-version policy changes for the clients that do not resume. Java JSSE and curl with
 * Schannel resume under TLS 1.2 (the session-copying workaround; curl's --tls-max 1.2) but not under
 * 1.3 (SOURCES.javaReuse, SOURCES.curlSchannel): so whether the server requires reuse under 1.3 and
 * offers 1.2 decides whether capping them at 1.2 helps.
 */
export function versionAdvice(policy: ReusePolicy): string | undefined {
  const v13 = policy.versions.find((v) => v.version === 'TLSv1.3');
  const v12 = policy.versions.find((v) => v.version === 'TLSv1.2');
  if (!v13 || !v12) return undefined;
  const broken = policy.versions.filter((v) => v.series.tried > v.series.worked).map((v) => versionName(v.version));
  const row = broken.length
    ? ` Resumed data connections in a row stopped working under ${broken.join(' and ')}: a client that resumes only once fails after its first transfer there.`
    : '';
  if (v13.required && v12.offered === true)
    return `Reuse is required under TLS 1.3 (probed): Java JSSE clients fail there even with the session-copying workaround, and so does curl with Schannel; capped at TLS 1.2, which this server offers, they can resume (the workaround; curl --tls-max 1.2).${row}`;
  if (v13.required)
    return `Reuse is required under TLS 1.3 (probed), and this server does not complete a TLS 1.2 session${v12.error ? ` (${v12.error})` : ''}: capping Java JSSE or curl with Schannel at TLS 1.2 does not help here.${row}`;
  if (v12.required && v13.offered === false)
    return `The server offers only TLS 1.2 and requires reuse there (probed): Java JSSE with the session-copying workaround and curl with Schannel resume under 1.2; .NET SslStream still fails.${row}`;
  return row.trim() || undefined;
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
