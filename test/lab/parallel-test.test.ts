import { describe, expect, it } from 'vitest';
import { experimentCheck, experimentLab, recordExperiment } from './experiment-check.js';
import { labDescribe } from './lab-suite.js';
import { serverMissing } from './servers/launchers.js';
import { startVsftpd } from './servers/vsftpd.js';
import { startProftpd } from './servers/proftpd.js';
import { PASSWORD_ENV } from './servers/reference.js';

/**
 * --parallel against vsftpd with a per-address session limit (vsftpd.conf(5) max_per_ip): the
 * sessions beyond it get "421 There are too many connections from your internet address." at
 * connect, and the check stops opening sessions there.
 */

interface Report {
  findings: Array<{ code: string; title: string; fix: string[] }>;
  observations: {
    parallel?: {
      opened: number;
      ownSessions: number;
      refusal?: { session: number; stage: string; reply?: { code: number } };
      attempts: Array<{ outcome: string }>;
    };
  };
}

const missing = serverMissing('vsftpd');

labDescribe('many sessions at once', () => {
  describe.skipIf(missing !== undefined)(`against vsftpd (${missing ?? 'installed'})`, () => {
    const { lab, tls, serve } = experimentLab('parallel');

    it('opens every session and lists on all at once without a limit', async () => {
      serve(await startVsftpd(lab(), { tls: tls() }));
      const report = await experimentCheck<Report>(lab(), ['--parallel', '5']);
      expect(report.observations.parallel?.opened).toBe(5);
      expect(report.observations.parallel?.attempts.map((a) => a.outcome)).toEqual(Array(5).fill('ok'));
      expect(report.findings.map((f) => f.code)).not.toContain('SESSION_LIMIT');
    }, 90_000);

    it('finds max_per_ip=3 as "at most 3 sessions" and stops at the first refusal', async () => {
      serve(await startVsftpd(lab(), { tls: tls(), maxSessionsPerAddress: 3 }));
      const report = await experimentCheck<Report>(lab(), ['--parallel', '6']);
      const p = report.observations.parallel;
      expect((p?.opened ?? 0) + (p?.ownSessions ?? 0)).toBe(3);
      expect(p?.refusal).toMatchObject({ session: (p?.opened ?? 0) + 1, stage: 'greeting', reply: { code: 421 } });
      expect(p?.attempts.map((a) => a.outcome)).toEqual(Array(p?.opened).fill('ok'));
      const limit = report.findings.filter((f) => f.code === 'SESSION_LIMIT');
      expect(limit.map((f) => f.title)).toEqual(['The server accepts at most 3 sessions from you at once']);
      recordExperiment('vsftpd-max-per-ip-parallel', report, {
        description: '--parallel 6 against vsftpd with max_per_ip=3',
        findings: ['SESSION_LIMIT'],
      });
    }, 90_000);
  });
});

const proftpdMissing = serverMissing('proftpd');

labDescribe('many sessions at once, proftpd', () => {
  describe.skipIf(proftpdMissing !== undefined)(`against proftpd (${proftpdMissing ?? 'unpacked'})`, () => {
    const { lab, tls, serve } = experimentLab('par-proftpd');

    it('finds MaxClientsPerHost 3, which proftpd enforces at login, not at connect', async () => {
      const server = serve(await startProftpd(lab(), { tls: tls(), maxSessionsPerAddress: 3 }));
      const report = await experimentCheck<Report>(
        lab(),
        ['--parallel', '6', '--user', server.account.user, '--password-env', PASSWORD_ENV],
        { [PASSWORD_ENV]: server.account.password ?? '' },
      );
      const p = report.observations.parallel;
      expect((p?.opened ?? 0) + (p?.ownSessions ?? 0)).toBe(3);
      expect(p?.refusal).toMatchObject({ session: (p?.opened ?? 0) + 1, stage: 'login' });
      const limit = report.findings.filter((f) => f.code === 'SESSION_LIMIT');
      expect(limit.map((f) => f.title)).toEqual(['The server accepts at most 3 sessions from you at once']);
    }, 90_000);
  });
});
