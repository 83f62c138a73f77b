import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRun, runCheck, type CheckRun } from './check-run.js';
import { recordFixture, RECORD } from './fixture-recording.js';
import { describeForServer, useLab } from './lab-suite.js';
import type { LabServer, ServerKind } from './lab-server.js';
import { LAB_ADDRESSES, LAB_POOL } from './netns.js';
import { findingsOf, reportOf } from './report-expect.js';
import { verifyExpectation, type Scenario } from './scenarios.js';
import { launchers } from './servers/launchers.js';
import { makeSelfSignedCert } from './tls-cert.js';

/**
 * Issue 14, parts 1 and 2 with real servers: a service on three addresses of which the router drops
 * one (the name resolved through the client's /etc/hosts, and the provider's list given with
 * --addresses), and a dual-stack service whose IPv6 passive range the router drops while IPv4 passes.
 */

const A = LAB_ADDRESSES;
const POOL_NAME = 'ftp.pool.example';
const DUAL_NAME = 'ftp.dual.example';
const POOL = [A.target, ...LAB_POOL];
const DROPPED = LAB_POOL[0];
const SERVERS: ServerKind[] = ['vsftpd', 'reference', 'proftpd', 'pure-ftpd', 'pyftpdlib'];
const NO_SWEEP = ['--sweep', 'off'];

interface AddressReport {
  chosen: string;
  list: Array<{ address: string; family: 4 | 6; answers: boolean; state: string; greeting?: string }>;
  families?: Array<{ family: 4 | 6; address: string; passive: string }>;
}

const addressesOf = (run: CheckRun): AddressReport => {
  const a = reportOf(run)['addresses'] as AddressReport | undefined;
  expect(a, `report.addresses\n${describeRun(run)}`).toBeDefined();
  return a!;
};

const dropControlTo = (address: string): string => `table inet fdl_addresses {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip daddr ${address} tcp dport 21 drop
  }
}
`;

/** The IPv4 rule was written (nothing to drop), its IPv6 twin was not: the passive range is dropped over IPv6 only. */
const dropPassiveOverIpv6 = `table inet fdl_addresses {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip6 daddr ${A.target6} tcp dport 60000-65535 drop
  }
}
`;

function scenario(id: string, title: string, expected: Scenario['expected'], args: string[]): Scenario {
  return { id, title, topology: 'routed', servers: SERVERS, args, expected };
}

const POOL_DNS = scenario(
  'address-subset-dropped',
  'one of three resolved addresses dropped at the router',
  { channels: { control: 'partial', passive: 'ok' }, findings: ['ADDRESS_SUBSET_BLOCKED'], verdict: 'problems' },
  NO_SWEEP,
);
const POOL_LIST = scenario(
  'address-list-dropped',
  "the provider's list given with --addresses, one of them dropped",
  { channels: { control: 'partial', passive: 'ok' }, findings: ['ADDRESS_SUBSET_BLOCKED'], verdict: 'problems' },
  [...NO_SWEEP, '--addresses', POOL.join(',')],
);
const DUAL_BLOCKED = scenario(
  'ipv6-passive-dropped',
  'dual-stack: IPv6 passive range dropped, IPv4 fine',
  { channels: { control: 'ok', passive: 'partial' }, findings: ['FAMILY_PASSIVE_BLOCKED'], verdict: 'problems' },
  [...NO_SWEEP, '--address', A.target],
);
const DUAL_CLEAN = scenario(
  'ipv6-eprt-epsv',
  'IPv6 only: EPSV and EPRT over IPv6 work',
  { channels: { control: 'ok', passive: ['ok', 'partial'], active: 'ok' } },
  [...NO_SWEEP, '-6', '--eprt', '--require', 'passive,active'],
);

/** The scenarios above against each server that is installed here. */
export function addressSuite(): void {
  for (const kind of SERVERS) {
    const describeIfReady = describeForServer(kind);
    describeIfReady(`${kind}: every address, both families`, () => {
      const lab = useLab({
        label: 'addresses',
        ipv6: true,
        pool: true,
        hosts: { [POOL_NAME]: POOL, [DUAL_NAME]: [A.target, A.target6] },
      });
      // One server for every scenario of the block: their configs are the same, only the router's rules differ.
      let server: LabServer;
      beforeAll(async () => {
        const tls = await makeSelfSignedCert(lab().dir, lab().target);
        server = await launchers[kind](lab(), { tls, dualStack: true, anonymous: true });
      });
      afterAll(async () => {
        await server?.stop();
      });

      async function check(s: Scenario, host: string, rules?: string): Promise<CheckRun> {
        await lab().clearRules('router');
        if (rules !== undefined) await lab().loadRules('router', rules);
        const run = await runCheck(lab(), server, s.args, host);
        verifyExpectation(run, s.expected, kind);
        return run;
      }

      const record = (s: Scenario, run: CheckRun): void => {
        if (RECORD) recordFixture(kind, s, run);
      };

      it(
        POOL_DNS.title,
        async () => {
          const run = await check(POOL_DNS, POOL_NAME, dropControlTo(DROPPED));
          const a = addressesOf(run);
          expect(a.list.map((r) => [r.address, r.answers, r.state])).toEqual([
            [A.target, true, 'open'],
            [DROPPED, false, 'no-answer'],
            [LAB_POOL[1], true, 'open'],
          ]);
          expect(a.chosen).toBe(A.target);
          const [finding] = findingsOf(run, 'ADDRESS_SUBSET_BLOCKED');
          expect(finding?.how).toBe('drop');
          expect(String(finding?.title)).toContain(`2 of 3 addresses answer; ${DROPPED} (dropped)`);
          const nft = ((finding?.['examples'] ?? []) as Array<{ system: string; text: string }>).find(
            (e) => e.system === 'nftables',
          );
          for (const address of POOL) expect(nft?.text).toContain(address);
          record(POOL_DNS, run);
        },
        90_000,
      );

      it(
        POOL_LIST.title,
        async () => {
          // The name resolves to one address only; the list names the other two.
          const run = await check(POOL_LIST, A.target, dropControlTo(DROPPED));
          const a = addressesOf(run);
          expect(a.list.filter((r) => !r.answers).map((r) => r.address)).toEqual([DROPPED]);
          expect(a.list).toHaveLength(3);
          record(POOL_LIST, run);
        },
        90_000,
      );

      it(
        DUAL_BLOCKED.title,
        async () => {
          const run = await check(DUAL_BLOCKED, DUAL_NAME, dropPassiveOverIpv6);
          const a = addressesOf(run);
          expect(a.list.every((r) => r.answers)).toBe(true);
          expect(a.families?.map((f) => [f.family, f.passive])).toEqual([
            [4, 'ok'],
            [6, 'connect-failed'],
          ]);
          const [finding] = findingsOf(run, 'FAMILY_PASSIVE_BLOCKED');
          expect(finding?.how).toBe('drop');
          expect(String(finding?.title)).toMatch(/^IPv6: passive data dropped; IPv4: fine/);
          record(DUAL_BLOCKED, run);
        },
        90_000,
      );

      it(
        DUAL_CLEAN.title,
        async () => {
          const run = await check(DUAL_CLEAN, DUAL_NAME);
          expect((reportOf(run)['target'] as { used?: string }).used).toBe(A.target6);
          const obs = reportOf(run)['observations'] as {
            passive: Array<{ command: string; outcome: string }>;
            active: Array<{ command: string; outcome: string }>;
          };
          expect(obs.passive.filter((p) => p.command === 'EPSV').every((p) => p.outcome === 'ok')).toBe(true);
          expect(obs.active.filter((p) => p.command === 'EPRT').every((p) => p.outcome === 'ok')).toBe(true);
          // PASV has no IPv6 form (RFC 2428 §1): what a server answers to it over IPv6 is at most a warning.
          expect(reportOf(run).findings.filter((f) => f.severity === 'error')).toEqual([]);
          record(DUAL_CLEAN, run);
        },
        90_000,
      );
    });
  }
}
