import { afterAll, beforeAll, expect, it } from 'vitest';
import { blockedRanges, describeRun, runCheck, type CheckRun } from './check-run.js';
import { recordFixture, RECORD } from './fixture-recording.js';
import { describeForServer, useLab } from './lab-suite.js';
import { LAB_ADDRESSES } from './netns.js';
import type { LabServer, ServerKind } from './lab-server.js';
import { emulatePath, labRouter, type PathEmulation } from './nfqueue/path-emulation.js';
import { DELAYED_RESETS, DROPPED_PART, LOSSY_PATH } from './nfqueue/slow-path-profiles.js';
import { reportOf } from './report-expect.js';
import { verifyExpectation, type Scenario } from './scenarios.js';
import { launchers } from './servers/launchers.js';
import { makeSelfSignedCert } from './tls-cert.js';

/**
 * Issue 14, part 4: refusals that arrive late and long, lossy paths. The router drops part of the
 * passive range; the rest is closed (nothing listens) and answers with a reset. Delayed resets
 * (2 s, as a client OS that retries the SYN after a reset reports them) and a 300 ms ±50 ms, 2 %
 * loss path must still give the exact blocked run and no false "dropped" port: the sweep calibrates
 * its per-port deadline from a timed refusal and timed answers first.
 */

const SERVERS: ServerKind[] = ['vsftpd', 'proftpd'];

// Only traffic to the server: the client's own ephemeral ports (Linux 32768-60999) overlap the range,
// and a rule on both directions would drop the answers to a client port there.
const dropPart = `table inet fdl_slow {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip daddr ${LAB_ADDRESSES.target} tcp dport ${DROPPED_PART[0]}-${DROPPED_PART[1]} drop
  }
}
`;

interface SlowScenario extends Scenario {
  path: PathEmulation;
}

const expected: Scenario['expected'] = {
  channels: { control: 'ok', passive: ['partial', 'blocked'] },
  findings: ['PASSIVE_PORTS_BLOCKED'],
};

export const SLOW_SCENARIOS: SlowScenario[] = [
  {
    id: 'delayed-resets',
    title: 'resets delayed by 2 s: closed ports stay closed, the dropped run is exact',
    topology: 'routed',
    servers: SERVERS,
    args: ['--timeout', '120s'],
    expected,
    path: DELAYED_RESETS,
  },
  {
    id: 'lossy-path',
    title: '300 ms ±50 ms each way, 2 % loss: the dropped run is exact',
    topology: 'routed',
    servers: SERVERS,
    // A listing's idle limit is the step timeout: 6 s is 10 round trips here, room for two
    // retransmission back-offs of one segment (2 % loss) without calling the transfer stalled.
    args: ['--timeout', '150s', '--step-timeout', '6s', '--pasv-samples', '1'],
    expected,
    path: LOSSY_PATH,
  },
];

export function slowPathSuite(): void {
  for (const kind of SERVERS) {
    describeForServer(kind)(`${kind}: slow refusals and lossy paths`, () => {
      const lab = useLab({ label: 'slow' });
      let server: LabServer;
      beforeAll(async () => {
        const tls = await makeSelfSignedCert(lab().dir, lab().target);
        server = await launchers[kind](lab(), { tls });
      });
      afterAll(async () => {
        await server?.stop();
      });

      for (const scenario of SLOW_SCENARIOS) {
        it(
          scenario.title,
          async () => {
            await lab().loadRules('router', dropPart);
            const path = await emulatePath(labRouter(lab()), scenario.path);
            let run: CheckRun;
            try {
              run = await runCheck(lab(), server, scenario.args);
            } finally {
              await path.stop();
              await lab().clearRules('router');
            }
            verifyExpectation(run, scenario.expected, kind);
            const report = reportOf(run);
            expect(report.sweep?.['complete'], describeRun(run)).toBe(true);
            expect(blockedRanges(report.sweep?.runs ?? []), describeRun(run)).toEqual([DROPPED_PART]);
            const calibration = (
              report.sweep as
                { calibration?: { refusalMs?: number; refusalLost: number; deadlineMs: number } } | undefined
            )?.calibration;
            expect(calibration, describeRun(run)).toBeDefined();
            // The deadline covers the slowest refusal the calibration saw (2 s when resets are delayed).
            if (scenario.path.match.includes('RST')) expect(calibration?.refusalMs).toBeGreaterThanOrEqual(1900);
            expect(calibration!.deadlineMs).toBeGreaterThan(calibration?.refusalMs ?? 0);
            if (RECORD)
              recordFixture(kind, scenario, run, { PASSIVE_PORTS_BLOCKED: { how: 'drop', ports: [DROPPED_PART] } });
          },
          240_000,
        );
      }
    });
  }
}
