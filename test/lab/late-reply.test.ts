import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRun, runCheck } from './check-run.js';
import { describeForServer, useLab } from './lab-suite.js';
import type { LabServer } from './lab-server.js';
import { LAB_ADDRESSES } from './netns.js';
import { reportOf } from './report-expect.js';
import { blockRuleset } from './rulesets.js';
import { startVsftpd } from './servers/vsftpd.js';
import { makeSelfSignedCert } from './tls-cert.js';

/**
 * Issue 13: an active attempt is judged at the data-connect deadline, and the server's own verdict
 * that comes later is recorded when it comes before the end of the check. Real vsftpd with
 * connect_timeout=2 (vsftpd.conf(5): how long it tries to reach an active-mode client; 60 s by
 * default) answers "425 Failed to establish connection." 2 s after LIST when the router drops every
 * new connection to the client; the idle test keeps the check going past that.
 */

const LATE_425 = '425 Failed to establish connection.';

describeForServer('vsftpd')('vsftpd: the late 425 after its connect timeout', () => {
  const lab = useLab({ label: 'late' });
  let server: LabServer;
  beforeAll(async () => {
    const tls = await makeSelfSignedCert(lab().dir, lab().target);
    server = await startVsftpd(lab(), { tls, connectTimeoutS: 2 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('judges the attempt at the deadline and records the 425 verbatim on it and in the transcript', async () => {
    await lab().loadRules(
      'router',
      blockRuleset('forward', [{ ports: [[1024, 65535]], action: 'drop', daddr: LAB_ADDRESSES.client, newOnly: true }]),
    );
    let run;
    try {
      run = await runCheck(lab(), server, ['--idle-test', '4s']);
    } finally {
      await lab().clearRules('router');
    }
    const report = reportOf(run);
    const observations = report['observations'] as {
      active: Array<{
        outcome: string;
        elapsedMs: number;
        lateReply?: { code: number; text: string; afterMs: number };
      }>;
      transcript: Array<{ dir: string; text: string; session?: number }>;
    };
    const late = observations.active.find((a) => a.lateReply);
    expect(late, describeRun(run)).toBeDefined();
    expect(late?.outcome).toBe('no-inbound');
    expect(late?.elapsedMs).toBeLessThan(2000);
    expect(late?.lateReply).toMatchObject({ code: 425, text: LATE_425 });
    expect(late?.lateReply?.afterMs).toBeGreaterThanOrEqual(1900);
    const line = observations.transcript.find((l) => l.dir === 'received' && l.text === LATE_425);
    expect(line?.session, describeRun(run)).toBeDefined();
    expect(report.channels.active.status, describeRun(run)).toBe('blocked');
    // The diagnosis quotes it as the server's own verdict.
    const evidence = report.findings.flatMap((f) => (f.evidence as Array<{ fact: string }> | undefined) ?? []);
    expect(
      evidence.some((e) => e.fact.includes(LATE_425)),
      describeRun(run),
    ).toBe(true);
  }, 120_000);
});
