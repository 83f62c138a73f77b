import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRun, runCheck, type CheckRun } from './check-run.js';
import { recordFixture, RECORD } from './fixture-recording.js';
import { describeForServer, useLab } from './lab-suite.js';
import type { LabServer, ServerKind } from './lab-server.js';
import { LAB_ADDRESSES } from './netns.js';
import { findingsOf, reportOf } from './report-expect.js';
import { verifyExpectation, type Scenario } from './scenarios.js';
import { launchers } from './servers/launchers.js';
import { makeSelfSignedCert } from './tls-cert.js';

/**
 * Issue 14, part 3: data connections that leave from another address than the control connection
 * (a carrier-grade NAT pool, a dual-WAN or load-balancing SNAT). The router translates the client's
 * data connections (to the passive range) to a second address of its own and leaves the control
 * connection alone; each real server then says in its own words that it refuses a data connection
 * from an address that is not the control peer.
 */

/** The second public address of the router: where the pool sends the data connections from. */
export const DATA_SNAT_ADDRESS = '203.0.113.2';
const SERVERS: ServerKind[] = ['vsftpd', 'reference', 'proftpd', 'pure-ftpd'];

const snatDataOnly = `table ip fdl_data_snat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr ${LAB_ADDRESSES.client} tcp dport 60000-65535 oifname "to-server" snat to ${DATA_SNAT_ADDRESS}
  }
}
`;

const SCENARIO: Scenario = {
  id: 'data-source-changed',
  title: 'data connections leave from another address than the control connection',
  topology: 'routed',
  servers: SERVERS,
  args: ['--sweep', 'off'],
  // As measured: vsftpd and the reference server refuse the connection and say why; proftpd 1.3.8
  // accepts it; pure-ftpd 1.0.50 closes it and never answers LIST, which the check cannot tell
  // from any other lost data connection.
  expected: {
    channels: { control: 'ok' },
    findings: (kind) => (kind === 'proftpd' || kind === 'pure-ftpd' ? [] : ['DATA_SOURCE_ADDRESS_CHANGED']),
  },
};

export function dataSourceSuite(): void {
  for (const kind of SERVERS) {
    const describeIfReady = describeForServer(kind);
    describeIfReady(`${kind}: data from another source address`, () => {
      const lab = useLab({ label: 'datasrc' });
      let server: LabServer;
      beforeAll(async () => {
        await lab().exec('router', ['ip', 'addr', 'add', `${DATA_SNAT_ADDRESS}/24`, 'dev', 'to-server']);
        const tls = await makeSelfSignedCert(lab().dir, lab().target);
        server = await launchers[kind](lab(), { tls });
      });
      afterAll(async () => {
        await server?.stop();
      });

      it(
        SCENARIO.title,
        async () => {
          await lab().loadRules('router', snatDataOnly);
          let run: CheckRun;
          try {
            run = await runCheck(lab(), server, SCENARIO.args);
          } finally {
            await lab().clearRules('router');
          }
          verifyExpectation(run, SCENARIO.expected, kind);
          const passive = reportOf(run).channels.passive.status;
          expect(passive, describeRun(run)).toBe(kind === 'proftpd' ? 'ok' : 'blocked');
          if (kind === 'reference') {
            // The reference server names the data connection's address as it saw it.
            const [finding] = findingsOf(run, 'DATA_SOURCE_ADDRESS_CHANGED');
            expect(finding?.title, describeRun(run)).toContain(`(${DATA_SNAT_ADDRESS}, not ${LAB_ADDRESSES.client})`);
          }
          if (RECORD) recordFixture(kind, SCENARIO, run);
        },
        90_000,
      );
    });
  }
}
