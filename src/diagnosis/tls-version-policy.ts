import {
  probedVersion,
  type ObservationLog,
  type PassiveAttempt,
  type ProbedTlsVersion,
  type TlsVersionReuse,
} from '../observation/index.js';
import { describeReply } from './connect-facts.js';
import { reuseRefusal, type PassiveEntry } from './data-attempts.js';
import type { Evidence } from './finding.js';

/**
 * What the tls-reuse probe showed under one TLS version (src/probe/tls-version-reuse.ts): whether the
 * server offers it, whether it requires data connections to resume the control session (a fresh
 * session refused, RFC 4217 §10.2), and how resumed data connections in a row fared.
 */
export interface VersionPolicy {
  version: ProbedTlsVersion | undefined;
  offered: boolean | undefined;
  /** Why a session under this version could not be opened, when it failed for another reason than the version. */
  error?: string;
  /** Why the version was not probed at all. */
  notProbed?: string;
  required: boolean | undefined;
  evidence: Evidence[];
  /** Data connections in a row offering the session: how many were tried, worked, and worked resumed. */
  series: { tried: number; worked: number; resumed: number };
}

/** One VersionPolicy per probed version; logs from before per-version probing have one, for the fresh connection only. */
export function versionPolicies(log: ObservationLog): VersionPolicy[] {
  const probe = log.tlsReuse;
  if (!probe) return [];
  const own = { ref: '/tlsReuse/fresh', attempt: probe.fresh };
  if (!probe.versions?.length) {
    const protocol = probe.fresh.connections.find((c) => c.tls)?.tls?.protocol ?? log.tls?.protocol;
    return [policyOf({ version: probedVersion(protocol), learntBy: 'check-session', offered: true }, '', own)];
  }
  return probe.versions.map((v, i) =>
    policyOf(
      v,
      `/tlsReuse/versions/${i}`,
      i === 0 ? own : v.fresh && { ref: `/tlsReuse/versions/${i}/fresh`, attempt: v.fresh },
    ),
  );
}

function policyOf(
  v: Omit<TlsVersionReuse, 'version'> & { version: ProbedTlsVersion | undefined },
  ref: string,
  fresh: { ref: string; attempt: PassiveAttempt } | undefined,
): VersionPolicy {
  const evidence: Evidence[] = [];
  const series = v.series ?? [];
  const failedAt = series.findIndex((a) => a.outcome !== 'ok');
  if (failedAt >= 0) {
    const a = series[failedAt]!;
    const reply = a.listReplies.find((r) => r.code >= 400);
    evidence.push({
      ref: `${ref}/series/${failedAt}`,
      fact: `${v.version ?? 'TLS'}: data connection ${failedAt + 1} in a row on one session, offering it for resumption, failed (${reply ? describeReply(reply) : a.outcome})`,
    });
  }
  const worked = series.filter((a) => a.outcome === 'ok');
  const policy: VersionPolicy = {
    version: v.version,
    offered: v.offered,
    required: fresh ? freshVerdict(fresh, v.version, evidence) : undefined,
    evidence,
    series: {
      tried: series.length,
      worked: worked.length,
      resumed: worked.filter((a) => a.connections[0]?.tls?.sessionReused === true).length,
    },
  };
  if (v.error) policy.error = opensslReason(v.error.message);
  if (v.notProbed) policy.notProbed = v.notProbed;
  return policy;
}

/** A fresh TLS session accepted (not resumed) → not required; refused for it → required; anything else says nothing. */
function freshVerdict(
  fresh: { ref: string; attempt: PassiveAttempt },
  version: ProbedTlsVersion | undefined,
  evidence: Evidence[],
): boolean | undefined {
  const entry: PassiveEntry = { kind: 'passive', ...fresh };
  const tls = fresh.attempt.connections.find((c) => c.tls)?.tls;
  if (fresh.attempt.outcome === 'ok' && tls?.sessionReused === false) {
    evidence.push({
      ref: entry.ref,
      fact: `a protected data connection that started a fresh TLS session (${tls.protocol ?? version ?? 'TLS'}, not resumed) was accepted: the server does not require session reuse`,
    });
    return false;
  }
  const refusal = reuseRefusal(entry);
  if (!refusal) return undefined;
  evidence.push({
    ref: refusal.ref,
    fact: `a protected data connection that deliberately started a fresh TLS session${version ? ` (${version})` : ''} was refused: ${refusal.reply.text.split('\n')[0]}`,
  });
  return true;
}

/**
 * OpenSSL's reason from Node's error text ("…:error:0A000410:SSL routines:ssl3_read_bytes:ssl/tls alert
 * handshake failure:…" → "ssl/tls alert handshake failure"), or its first line.
 */
function opensslReason(message: string): string {
  return /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message.split('\n')[0]!;
}

/** "TLS 1.3" from "TLSv1.3". */
export function versionName(version: ProbedTlsVersion | undefined): string {
  return version ? version.replace('v', ' ') : 'the negotiated TLS version';
}
