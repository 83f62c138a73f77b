import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, startServer, type RunningServer } from '../../src/server/index.js';
import { runProbe } from '../../src/probe/index.js';
import { diagnose } from '../../src/diagnosis/index.js';
import type { PassiveAttempt } from '../../src/observation/index.js';
import { freePortBlock } from './free-ports.js';
import { settingsFor } from './probe-settings.js';

const PASSWORD = 'r3use-s3cret-Zk';

/** Per attempt: outcome, and whether its data connection resumed the control session. */
function rows(attempts: PassiveAttempt[] | undefined): string[] {
  return (attempts ?? []).map((a) => `${a.outcome}:${a.connections[0]?.tls?.sessionReused ? 'resumed' : 'fresh'}`);
}

describe.each([
  ['requires reuse', true],
  ['does not require reuse', false],
])('TLS session-reuse policy per version: the reference server %s', (_name, requireTlsReuse) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      pasvRange: await freePortBlock(21, '127.0.0.1'),
      activeSourcePort: 0,
      user: 'alice',
      password: PASSWORD,
      requireTlsReuse,
      limits: { ...DEFAULT_LIMITS, loginFailureDelayMs: 20 },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('probes TLS 1.3 on the check session and TLS 1.2 on a pinned one, three resumed data connections each', async () => {
    const log = await runProbe(settingsFor(server, '127.0.0.1', { user: 'alice', tls: 'explicit', insecure: true }), {
      password: PASSWORD,
    });
    expect(log.tls?.protocol).toBe('TLSv1.3');
    const versions = log.tlsReuse?.versions ?? [];
    expect(versions.map((v) => `${v.version}/${v.learntBy}/${v.offered}`)).toEqual([
      'TLSv1.3/check-session/true',
      'TLSv1.2/pinned-session/true',
    ]);
    const threeResumed = ['ok:resumed', 'ok:resumed', 'ok:resumed'];
    expect(rows(versions[0]?.series)).toEqual(threeResumed);
    expect(rows(versions[1]?.series)).toEqual(threeResumed);
    expect(versions[1]?.series?.[0]?.connections[0]?.tls?.protocol).toBe('TLSv1.2');
    const fresh = [log.tlsReuse?.fresh, versions[1]?.fresh];
    if (requireTlsReuse) {
      // Under TLS 1.3 the client finishes its handshake before the server checks resumption; under
      // 1.2 the server ends the handshake first. Either way the refusal is the server's 522.
      expect(fresh.map((a) => a?.listReplies.at(-1)?.text)).toEqual([
        '522 SSL connection failed: session reuse required',
        '522 SSL connection failed: session reuse required',
      ]);
    } else {
      expect(fresh.map((a) => a?.connections[0]?.tls?.protocol)).toEqual(['TLSv1.3', 'TLSv1.2']);
      expect(rows(fresh.flatMap((a) => (a ? [a] : [])))).toEqual(['ok:fresh', 'ok:fresh']);
    }
    // The pinned session is not kept for later steps: active data runs on an unpinned TLS 1.3 session.
    expect(log.active.find((a) => a.protection === 'private')?.tls?.protocol).toBe('TLSv1.3');
    expect(log.steps.find((s) => s.id === 'tls-reuse')?.status).toBe(requireTlsReuse ? 'warn' : 'ok');
    const d = diagnose(log, { require: ['passive', 'tls'] });
    expect(d.channels.tls.summary).toContain(
      requireTlsReuse
        ? 'the server requires data connections to resume the TLS session (a fresh session was refused) under TLS 1.3 and TLS 1.2'
        : 'the server accepts a fresh TLS session on data connections (no reuse required) under TLS 1.3 and TLS 1.2',
    );
    expect(d.channels.tls.summary).toContain(
      '3 of 3 resumed data connections in a row worked under TLS 1.3 and TLS 1.2',
    );
    const reuse = d.findings.find((f) => f.code === 'TLS_SESSION_REUSE_REQUIRED');
    if (requireTlsReuse) expect(reuse?.rule).toMatch(/required under TLS 1\.3 \(probed\).*which this server offers/);
    else expect(reuse).toBeUndefined();
  });
});
