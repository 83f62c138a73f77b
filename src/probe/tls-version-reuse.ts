import type { PassiveAttempt, ProbedTlsVersion, TlsVersionReuse } from '../observation/index.js';
import { DEFAULT_MAX_VERSION } from 'node:tls';
import type { CheckContext } from './check-context.js';
import { probePassive } from './passive-probe.js';

/**
 * Data connections in a row on one session, each offering it for resumption. Three: Java JSSE
 * clients under TLS 1.3 fail "after a few transfers" against servers that require reuse (issue 12),
 * and one resumption shows little about the next under TLS 1.3, where a server may accept each
 * ticket once (RFC 8446 §8.1, single-use tickets) and OpenSSL issues two tickets after a full
 * handshake (SSL_CTX_set_num_tickets(3): "the default number of tickets is 2").
 */
export const SERIES_LENGTH = 3;

/** Protected passive data connections on the current session, each resuming it; stops at the first that fails. */
export async function resumedSeries(ctx: CheckContext, command: 'PASV' | 'EPSV'): Promise<PassiveAttempt[]> {
  const { run, sessions } = ctx;
  const series: PassiveAttempt[] = [];
  while (series.length < SERIES_LENGTH && sessions.usable && !run.signal.aborted) {
    const attempt = await probePassive(run, sessions.session(), command, 'private', {
      extensions: ctx.extensions,
      purpose: 'probe',
    });
    series.push(attempt);
    if (attempt.outcome !== 'ok') {
      sessions.session().desynced = true;
      break;
    }
  }
  return series;
}

/** One protected data connection whose TLS handshake deliberately does not offer the control session. */
export async function freshSessionAttempt(ctx: CheckContext, command: 'PASV' | 'EPSV'): Promise<PassiveAttempt> {
  const { run, sessions } = ctx;
  const fresh = await probePassive(run, sessions.session(), command, 'private', {
    extensions: ctx.extensions,
    purpose: 'probe',
    resumeTls: false,
  });
  // vsftpd closes the control connection after its 522 (measured, test/probe/vsftpd.test.ts): a
  // refusal retires the session so the next step opens a fresh one instead of finding it gone.
  if (fresh.outcome !== 'ok') sessions.session().desynced = true;
  return fresh;
}

/**
 * The reuse policy under the TLS version the check's session did not negotiate. When the check
 * offered up to TLS 1.3 and the server chose 1.2, the server does not offer 1.3 (a 1.3 server
 * answering a 1.3 client with 1.2 signals a downgrade, which the client refuses: RFC 8446 §4.1.3),
 * so no session is opened for it. Otherwise a control session pinned to the other version (opened
 * and retired by ControlSessions, which later steps replace with an unpinned one) runs the series,
 * then the fresh-session connection.
 */
export async function otherVersionReuse(
  ctx: CheckContext,
  own: ProbedTlsVersion,
  command: 'PASV' | 'EPSV',
): Promise<TlsVersionReuse> {
  const { sessions } = ctx;
  const version = otherVersion(own);
  if (version === 'TLSv1.3' && DEFAULT_MAX_VERSION === 'TLSv1.3')
    return { version, learntBy: 'negotiated-lower', offered: false };
  const why = `opening a TLS control session limited to ${version} for its session-reuse policy`;
  if (!(await sessions.reopen(true, why, version))) {
    const failure = sessions.lastFailure;
    if (!failure) return { version, learntBy: 'pinned-session' };
    const error = { code: failure.code, message: failure.message };
    return { version, learntBy: 'pinned-session', error, ...(refusesVersion(error) ? { offered: false } : {}) };
  }
  const series = await resumedSeries(ctx, command);
  const record: TlsVersionReuse = { version, learntBy: 'pinned-session', offered: true, series };
  if (sessions.usable) record.fresh = await freshSessionAttempt(ctx, command);
  return record;
}

export function otherVersion(own: ProbedTlsVersion): ProbedTlsVersion {
  return own === 'TLSv1.3' ? 'TLSv1.2' : 'TLSv1.3';
}

/**
 * A handshake that failed because the two sides share no TLS version: OpenSSL's "unsupported
 * protocol" (client side) and the peer's protocol_version alert (RFC 8446 §6.2), as Node reports them.
 */
function refusesVersion(error: { code: string; message: string }): boolean {
  return (
    error.code === 'E_TLS' && /unsupported protocol|alert protocol version|wrong version number/i.test(error.message)
  );
}
