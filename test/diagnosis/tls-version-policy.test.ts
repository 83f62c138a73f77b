import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/index.js';
import type { PassiveAttempt } from '../../src/observation/index.js';
import { mutate, pasvOk, reply, tlsLog } from './observation-factory.js';

/** A protected passive attempt: resumed or fresh, accepted or refused with `refusal`. */
function protectedAttempt(version: 'TLSv1.2' | 'TLSv1.3', resumed: boolean, refusal?: string): PassiveAttempt {
  const a = pasvOk(60200, { protection: 'private' });
  a.connections[0]!.tls = { ok: true, sessionReused: resumed, protocol: version, elapsedMs: 4 };
  if (!refusal) return a;
  return {
    ...a,
    listReplies: [reply(150, 'Opening'), reply(Number(refusal.slice(0, 3)), refusal)],
    outcome: 'transfer-refused',
  };
}

const REFUSED = '522 SSL connection failed: session reuse required';

describe('the TLS session-reuse policy per version, in the TLS summary and TLS_SESSION_REUSE_REQUIRED', () => {
  it('a server offering only TLS 1.2 and requiring reuse there: capping clients at 1.2 is what they already get', () => {
    const log = mutate(tlsLog(), (l) => {
      l.tls!.protocol = 'TLSv1.2';
      const row = [0, 1, 2].map(() => protectedAttempt('TLSv1.2', true));
      l.tlsReuse = {
        fresh: protectedAttempt('TLSv1.2', false, REFUSED),
        versions: [
          { version: 'TLSv1.2', learntBy: 'check-session', offered: true, series: row },
          { version: 'TLSv1.3', learntBy: 'negotiated-lower', offered: false },
        ],
      };
    });
    const d = diagnose(log, { require: ['passive'] });
    expect(d.channels.tls.summary).toContain(
      'the server requires data connections to resume the TLS session (a fresh session was refused) under TLS 1.2; the server does not offer TLS 1.3; 3 of 3 resumed data connections in a row worked under TLS 1.2',
    );
    const rule = d.findings.find((f) => f.code === 'TLS_SESSION_REUSE_REQUIRED')?.rule;
    expect(rule).toMatch(/offers only TLS 1\.2 and requires reuse there \(probed\)/);
  });

  it('a second resumed data connection refused under TLS 1.3: cited, and said in the rule', () => {
    const log = mutate(tlsLog(), (l) => {
      l.tlsReuse = {
        fresh: protectedAttempt('TLSv1.3', false, REFUSED),
        versions: [
          {
            version: 'TLSv1.3',
            learntBy: 'check-session',
            offered: true,
            series: [protectedAttempt('TLSv1.3', true), protectedAttempt('TLSv1.3', false, REFUSED)],
          },
          {
            version: 'TLSv1.2',
            learntBy: 'pinned-session',
            offered: true,
            series: [protectedAttempt('TLSv1.2', true)],
          },
        ],
      };
      l.tlsReuse.versions![1]!.fresh = protectedAttempt('TLSv1.2', false, REFUSED);
    });
    const d = diagnose(log, { require: ['passive'] });
    expect(d.channels.tls.summary).toContain(
      '1 of 2 data connections in a row worked under TLS 1.3, 1 resuming the session',
    );
    const f = d.findings.find((x) => x.code === 'TLS_SESSION_REUSE_REQUIRED');
    expect(f?.evidence.map((e) => e.ref)).toContain('/tlsReuse/versions/0/series/1');
    expect(f?.evidence.map((e) => e.ref)).toContain('/tlsReuse/versions/1/fresh/listReplies/1');
    expect(f?.rule).toMatch(
      /stopped working under TLS 1\.3: a client that resumes only once fails after its first transfer/,
    );
  });

  it('the other version not probed on a slow path: said so, the own version still stated', () => {
    const log = mutate(tlsLog(), (l) => {
      l.tlsReuse = {
        fresh: protectedAttempt('TLSv1.3', false),
        versions: [
          { version: 'TLSv1.3', learntBy: 'check-session', offered: true, series: [protectedAttempt('TLSv1.3', true)] },
          { version: 'TLSv1.2', learntBy: 'pinned-session', notProbed: 'took 3200 ms' },
        ],
      };
    });
    expect(diagnose(log, { require: ['passive'] }).channels.tls.summary).toContain(
      '(no reuse required) under TLS 1.3; TLS 1.2 not probed (took 3200 ms); 1 of 1 resumed',
    );
  });

  it('an old log without versions keeps its one-line policy', () => {
    const log = mutate(tlsLog(), (l) => {
      l.tlsReuse = { fresh: protectedAttempt('TLSv1.3', false) };
    });
    expect(diagnose(log, { require: ['passive'] }).channels.tls.summary).toContain(
      'the server accepts a fresh TLS session on data connections (no reuse required) under TLS 1.3;',
    );
  });
});
