import type { CheckContext } from './check-context.js';
import { probePassive } from './passive-probe.js';

/**
 * Probes the server's TLS session-reuse policy (RFC 4217 §10.2): after the passive step, one more
 * protected passive data connection whose TLS handshake deliberately does not offer the control
 * session. A refusal (vsftpd `522 SSL connection failed: session reuse required`, proftpd `425 Unable
 * to build data connection: Operation not permitted`) shows the server requires reuse, which breaks
 * clients that do not resume; the check's own resuming connections cannot show it. Runs only where
 * a resuming protected connection worked, so a refusal is the policy's and not the path's.
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
    if (!(await sessions.prepareFor({ tls: true, protection: 'private' })))
      return { status: 'skipped', summary: 'no TLS control session with PROT P to probe on' };
    const fresh = await probePassive(run, sessions.session(), resumed.command, 'private', {
      extensions: ctx.extensions,
      purpose: 'probe',
      resumeTls: false,
    });
    run.log.tlsReuse = { fresh };
    // vsftpd closes the control connection after its 522 (measured, test/probe/vsftpd.test.ts): a
    // refusal retires the session so the next step opens a fresh one instead of finding it gone.
    if (fresh.outcome !== 'ok') sessions.session().desynced = true;
    const tls = fresh.connections.find((c) => c.tls)?.tls;
    const refusal = fresh.listReplies.find((r) => r.code >= 400)?.text.split('\n')[0];
    return fresh.outcome === 'ok'
      ? { status: 'ok', summary: `a fresh TLS session (reused: ${tls?.sessionReused ?? '?'}) was accepted` }
      : { status: 'warn', summary: `a fresh TLS session was refused: ${refusal ?? fresh.outcome}` };
  });
}
