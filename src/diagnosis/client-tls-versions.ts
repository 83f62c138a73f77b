import type { ObservationLog } from '../observation/index.js';
import { versionPolicies } from './tls-version-policy.js';

/**
 * What the per-version TLS reuse probe (src/probe/tls-version-reuse.ts) tells the client table:
 * clients that cannot resume the control session under TLS 1.3 can under 1.2, where the server
 * offers it. Java JSSE with the session-copying workaround resumes under 1.2 only (Apache Commons
 * Net NET-408; cyberduck PR #18399), and curl built with Schannel — the curl.exe Windows ships —
 * fails to resume under 1.3 and works capped at 1.2 (curl issues #22225 and #4654).
 */
export interface ReuseByVersion {
  /** The server refused a fresh TLS 1.3 session on a data connection (probed). */
  requiredUnder13: boolean;
  /** The server offers TLS 1.2 (probed or learnt from the negotiation). */
  tls12Offered: boolean;
}

export function reuseByVersion(log: ObservationLog): ReuseByVersion {
  const policies = versionPolicies(log);
  return {
    requiredUnder13: policies.some((p) => p.version === 'TLSv1.3' && p.required === true),
    tls12Offered: policies.some((p) => p.version === 'TLSv1.2' && p.offered === true),
  };
}

/** The setting that gets a stock Commons Net FTPSClient through a server requiring reuse, when 1.2 is offered. */
export const JAVA_TLS12_WORKAROUND =
  "cap at TLS 1.2 (-Djdk.tls.client.protocols=TLSv1.2) and put the control session into the data socket's session cache (the NET-408 workaround): under TLS 1.3 even that fails";

/** What curl on Windows (Schannel) needs where reuse is required under TLS 1.3; undefined where it does not matter. */
export function schannelNote(v: ReuseByVersion): string | undefined {
  if (!v.requiredUnder13) return undefined;
  return v.tls12Offered
    ? 'curl.exe built with Schannel (the one Windows ships) does not resume under TLS 1.3: add --tls-max 1.2'
    : 'curl.exe built with Schannel (the one Windows ships) does not resume under TLS 1.3, the only version this server offers: use a curl built with OpenSSL';
}
