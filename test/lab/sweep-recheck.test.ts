import { afterAll, beforeAll, expect, it } from 'vitest';
import { blockedRanges, describeRun, runCheck, type CheckRun } from './check-run.js';
import { describeForServer, useLab } from './lab-suite.js';
import type { LabServer } from './lab-server.js';
import { LAB_ADDRESSES } from './netns.js';
import { emulatePath, labRouter } from './nfqueue/path-emulation.js';
import { DELAYED_RESETS } from './nfqueue/slow-path-profiles.js';
import { reportOf } from './report-expect.js';
import { startVsftpd } from './servers/vsftpd.js';
import { makeSelfSignedCert } from './tls-cert.js';

/**
 * Issue 13: the sweep runs between the passive probes and the samples when no probe was answered,
 * so without a timed refusal. With resets delayed 2 s on the path that first pass reads the closed
 * ports as silent; once a sample's transfer gives a closed port, the calibration times the slow
 * refusal and the silent ports are swept again with its deadline. The router drops 60000-60999 for
 * good and, for the check's first 3 s only (an nft set element with a timeout), the rest of the
 * range too, so every probe goes unanswered while the samples, after the sweep, reach that rest
 * (seven samples, each in the dropped 18 % of the range by chance only). Only traffic to the server
 * is dropped: the client's own ephemeral ports (32768-60999 on Linux) overlap the range, and a
 * direction-less rule would drop the server's answers to a control connection from one of them.
 */

const DROPPED: [number, number] = [60000, 60999];
const EARLY_S = 3;

const rules = `table inet fdl_recheck {
  set early {
    type ipv4_addr
    flags timeout
    elements = { ${LAB_ADDRESSES.client} timeout ${EARLY_S}s }
  }
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip daddr ${LAB_ADDRESSES.target} tcp dport ${DROPPED[0]}-${DROPPED[1]} drop
    ip saddr @early ip daddr ${LAB_ADDRESSES.target} tcp dport ${DROPPED[1] + 1}-65535 drop
  }
}
`;

describeForServer('vsftpd')('vsftpd: a second sweep pass once a sample gives the calibration its closed port', () => {
  const lab = useLab({ label: 'recheck' });
  let server: LabServer;
  beforeAll(async () => {
    const tls = await makeSelfSignedCert(lab().dir, lab().target);
    server = await startVsftpd(lab(), { tls });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('resets delayed by 2 s and every probe unanswered: the closed ports end up refused, the dropped run exact', async () => {
    const path = await emulatePath(labRouter(lab()), DELAYED_RESETS);
    let run: CheckRun;
    try {
      await lab().loadRules('router', rules);
      run = await runCheck(lab(), server, ['--timeout', '120s', '--pasv-samples', '8']);
    } finally {
      await path.stop();
      await lab().clearRules('router');
    }
    const report = reportOf(run);
    const observations = report['observations'] as {
      passive: Array<{ purpose: string; outcome: string }>;
      steps: Array<{ id: string; summary: string }>;
    };
    const probes = observations.passive.filter((a) => a.purpose === 'probe');
    expect(
      probes.every((a) => a.outcome === 'connect-failed'),
      describeRun(run),
    ).toBe(true);
    expect(
      observations.passive.some((a) => a.purpose === 'sample' && a.outcome === 'ok'),
      describeRun(run),
    ).toBe(true);
    const sweepStep = observations.steps.find((s) => s.id === 'sweep');
    expect(sweepStep?.summary, describeRun(run)).toMatch(/silent ports swept again/);
    const calibration = (report.sweep as { calibration?: { refusalMs?: number; deadlineMs: number } }).calibration;
    expect(calibration?.refusalMs, describeRun(run)).toBeGreaterThanOrEqual(1900);
    expect(report.sweep?.['complete'], describeRun(run)).toBe(true);
    expect(blockedRanges(report.sweep?.runs ?? []), describeRun(run)).toEqual([DROPPED]);
  }, 240_000);
});
