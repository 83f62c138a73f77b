import { expect, it } from 'vitest';
import { experimentCheck, experimentLab, recordExperiment } from './experiment-check.js';
import { labDescribe } from './lab-suite.js';
import { startReference } from './servers/reference.js';

/**
 * The idle control connection test (--idle-test) against a router that forgets idle flows: an
 * nftables conntrack timeout policy (`ct timeout`, nft(8) "CT TIMEOUT") gives control connections an
 * established timeout of a few seconds, and a forward policy that admits only established flows and
 * new SYNs drops whatever comes after the entry expired — the NOOP included.
 */

const FORGET_AFTER_S = 4;
const IDLE_TEST = '12s';
const FORGETFUL_ROUTER = `table inet lab_idle {
  ct timeout short_established {
    protocol tcp;
    l3proto ip;
    policy = { established: ${FORGET_AFTER_S} }
  }
  chain set_timeout {
    type filter hook prerouting priority filter; policy accept;
    tcp dport 21 ct timeout set "short_established"
  }
  chain forward_policy {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    tcp flags & (syn | ack | fin | rst) == syn ct state new accept
  }
}
`;

interface Report {
  findings: Array<{ code: string; severity: string; title: string }>;
  observations: {
    idleTest?: { probes: Array<{ plannedIdleMs: number; outcome: string }>; survivedMs?: number; lostAfterMs?: number };
  };
}

labDescribe('idle control connection test', () => {
  const { lab, tls, serve } = experimentLab('idle');

  it('keeps every idle session on a router without an idle timeout', async () => {
    serve(await startReference(lab(), { tls: tls(), anonymous: true }));
    const report = await experimentCheck<Report>(lab(), ['--idle-test', IDLE_TEST]);
    expect(report.observations.idleTest?.probes.map((p) => p.outcome)).toEqual([
      'answered',
      'answered',
      'answered',
      'answered',
    ]);
    expect(report.findings.map((f) => f.code)).not.toContain('IDLE_CONTROL_DROPPED');
  }, 90_000);

  it(`finds the limit of a router that forgets idle flows after ${FORGET_AFTER_S} s`, async () => {
    serve(await startReference(lab(), { tls: tls(), anonymous: true }));
    await lab().loadRules('router', FORGETFUL_ROUTER);
    const report = await experimentCheck<Report>(lab(), ['--idle-test', IDLE_TEST]);
    const test = report.observations.idleTest;
    expect(test?.probes.map((p) => `${p.plannedIdleMs / 1000}s ${p.outcome}`)).toEqual([
      '3s answered',
      '6s no-answer',
      '9s no-answer',
      '12s no-answer',
    ]);
    const idle = report.findings.filter((f) => f.code === 'IDLE_CONTROL_DROPPED');
    expect(idle.map((f) => [f.severity, f.title])).toEqual([
      [
        'warning',
        expect.stringMatching(/^The control connection is dropped after between 3(\.\d)? and 6(\.\d)? s idle$/),
      ],
    ]);
    recordExperiment('reference-ct-timeout-idle', report, {
      description: `--idle-test ${IDLE_TEST} through a router whose nftables ct timeout forgets established control connections after ${FORGET_AFTER_S} s (reference server)`,
      findings: ['IDLE_CONTROL_DROPPED'],
    });
  }, 90_000);
});
