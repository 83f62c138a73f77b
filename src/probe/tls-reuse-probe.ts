import { probedVersion, type PassiveAttempt, type TlsReuseProbe, type TlsVersionReuse } from '../observation/index.js';
import type { CheckContext } from './check-context.js';
import { freshSessionAttempt, otherVersion, otherVersionReuse, resumedSeries } from './tls-version-reuse.js';

/**
 * Probes the server's TLS session-reuse policy (RFC 4217 §10.2): after the passive step, protected
 * passive data connections in a row that resume the control session, then one whose TLS handshake
 * deliberately does not offer it. A refusal (vsftpd `522 SSL connection failed: session reuse
 * required`, proftpd `425 Unable to build data connection: Operation not permitted`) shows the server
 * requires reuse, which breaks clients that do not resume; the check's own resuming connections
 * cannot show it. Then the same under the other of TLS 1.2 and 1.3 where the server offers it
 * (tls-version-reuse.ts). Runs only where a resuming protected connection worked, so a refusal is
 * the policy's and not the path's.
 */
export async function tlsReuseStep(ctx: CheckContext): Promise<void> {
  const { run, sessions } = ctx;
  const resumed = run.log.passive.find((a) => a.protection === 'private' && a.outcome === 'ok');
  if (!ctx.sessionTls || !resumed) {
    ctx.steps.skip(
      ['tls-reuse'],
      ctx.sessionTls ? 'no protected passive data connection worked to compare with' : 'no TLS session',
    );
    return;
  }
  await ctx.steps.step('tls-reuse', async () => {
    const mode = { tls: true, protection: 'private' } as const;
    if (!(await sessions.prepareFor(mode)))
      return { status: 'skipped', summary: 'no TLS control session with PROT P to probe on' };
    const own = probedVersion(run.log.tls?.protocol);
    const started = performance.now();
    const series = await resumedSeries(ctx, resumed.command);
    if (!(await sessions.prepareFor(mode)))
      return { status: 'skipped', summary: 'the control session was lost after the resumed data connections' };
    const fresh = await freshSessionAttempt(ctx, resumed.command);
    const probe: TlsReuseProbe = { fresh };
    run.log.tlsReuse = probe;
    if (own) {
      probe.versions = [{ version: own, learntBy: 'check-session', offered: true, series }];
      // The other version costs a control session and as many data connections again: only where
      // this version's took less than one step timeout, so a slow path does not double a slow step.
      const tookMs = Math.round(performance.now() - started);
      probe.versions.push(
        tookMs < run.settings.stepTimeoutMs
          ? await otherVersionReuse(ctx, own, resumed.command)
          : {
              version: otherVersion(own),
              learntBy: 'pinned-session',
              notProbed: `the resumed and fresh data connections under ${own} took ${tookMs} ms, more than one step timeout`,
            },
      );
    }
    const summary = [`${own ?? 'TLS'}: ${versionWords(series, fresh)}`];
    for (const v of probe.versions?.slice(1) ?? []) summary.push(`${v.version}: ${otherWords(v)}`);
    return { status: fresh.outcome === 'ok' ? 'ok' : 'warn', summary: summary.join('; ') };
  });
}

function versionWords(series: PassiveAttempt[], fresh: PassiveAttempt | undefined): string {
  const worked = series.filter((a) => a.outcome === 'ok');
  const resumed = worked.filter((a) => a.connections[0]?.tls?.sessionReused).length;
  const row = `${worked.length} of ${series.length} data connections in a row worked (${resumed} resumed)`;
  if (!fresh) return row;
  const refusal = fresh.listReplies.find((r) => r.code >= 400)?.text.split('\n')[0];
  return `${row}, a fresh TLS session was ${fresh.outcome === 'ok' ? 'accepted' : `refused (${refusal ?? fresh.outcome})`}`;
}

function otherWords(v: TlsVersionReuse): string {
  if (v.notProbed) return `not probed (${v.notProbed})`;
  if (v.offered === false) return 'not offered by the server';
  if (!v.series) return `not probed (${v.error?.message ?? 'no session'})`;
  return versionWords(v.series, v.fresh);
}
