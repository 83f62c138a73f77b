import { expect } from 'vitest';
import {
  ACTIVE_PORT,
  blockedRanges,
  describeRun,
  type Channel,
  type ChannelStatus,
  type CheckRun,
} from './check-run.js';
import { PASSIVE_RANGE, type ServerKind, type ServerOptions } from './lab-server.js';
import { LAB_ADDRESSES, type Lab } from './netns.js';
import type { NonFtpKind } from './non-ftp-service.js';
import { blockRuleset, ftpHelperStatefulRuleset, type BlockRule } from './rulesets.js';
import {
  expectAllClear,
  expectChannels,
  expectExit,
  expectFinding,
  expectNoFinding,
  reportOf,
} from './report-expect.js';
import { ALL_SERVERS } from './servers/launchers.js';

/**
 * The firewall scenarios as data: the topology, the rules an admin would write, the server
 * (or the non-FTP service) on the far side, and what ftpdoctor's report must say about them.
 */

/** private-client: the client on a private address routed to the server without NAT. */
export type Topology = 'routed' | 'client-nat' | 'server-nat' | 'private-client';

export interface ScenarioContext {
  lab: Lab;
  kind: ServerKind | NonFtpKind;
}

export interface Scenario {
  /** Also names the report (.lab-tmp/reports/<server>-<id>.json) and the fixture (fixtures/lab-<server>-<id>.*.json). */
  id: string;
  title: string;
  topology: Topology;
  /** FTP servers it runs against, or the non-FTP service that answers on port 21 instead. */
  servers: ServerKind[] | { nonFtp: NonFtpKind };
  server?: (lab: Lab) => Omit<ServerOptions, 'tls'>;
  rules?: (lab: Lab) => Array<{ role: 'router' | 'client'; ruleset: string }>;
  /** Extra `check` flags. */
  args?: string[];
  /** What the report must say, written from the rules applied (not copied from a report). */
  expected: ScenarioExpectation;
  /** Further checks: sweep runs, finding details. */
  verify?(run: CheckRun, ctx: ScenarioContext): void;
}

export interface ScenarioExpectation {
  channels: Partial<Record<Channel, ChannelStatus | ChannelStatus[]>>;
  /** The finding codes, exactly (order ignored), where the scenario determines them all; per server where they differ. */
  findings?: string[] | ((kind: ScenarioContext['kind']) => string[]);
  verdict?: string;
  exit?: number;
  /** No error or warning finding. */
  allClear?: boolean;
}

export function expectedFindings(e: ScenarioExpectation, kind: ScenarioContext['kind']): string[] | undefined {
  return typeof e.findings === 'function' ? e.findings(kind) : e.findings;
}

/** The checks every scenario's expectation implies. */
export function verifyExpectation(run: CheckRun, e: ScenarioExpectation, kind: ScenarioContext['kind']): void {
  expectChannels(run, e.channels);
  const findings = expectedFindings(e, kind);
  if (findings !== undefined) {
    const codes = (reportOf(run).findings ?? []).map((f) => f.code).sort();
    expect(codes, `finding codes\n${describeRun(run)}`).toEqual([...findings].sort());
  }
  if (e.verdict !== undefined) expect(reportOf(run).verdict, `verdict\n${describeRun(run)}`).toBe(e.verdict);
  if (e.allClear === true) expectAllClear(run);
  if (e.exit !== undefined) expectExit(run, e.exit);
}

const TLS_REUSE_SERVERS: ServerKind[] = ['reference', 'vsftpd', 'proftpd']; // pure-ftpd and pyftpdlib have no such switch

function toServer(
  lab: Lab,
  action: BlockRule['action'],
  ports: Array<[number, number]>,
  hook: 'forward' | 'output' = 'forward',
): string {
  return blockRuleset(hook, [{ ports, action, daddr: lab.target }]);
}

/** Sweep states of ports no rule touches: the reference server's token answered, or a stock server's port refused (nothing listens). */
function reachableStates(kind: ScenarioContext['kind']): string[] {
  return kind === 'reference' ? ['open'] : ['open', 'refused'];
}

function expectBlockedRuns(run: CheckRun, ctx: ScenarioContext, blocked: Array<[number, number]>): void {
  const runs = reportOf(run).sweep?.runs ?? [];
  expect(blockedRanges(runs), `blocked sweep runs\n${describeRun(run)}`).toEqual(blocked);
  const reachable = runs.filter((r) => !blocked.some(([from, to]) => r.from >= from && r.to <= to));
  for (const r of reachable)
    expect(reachableStates(ctx.kind), `state of run ${r.from}-${r.to}\n${describeRun(run)}`).toContain(r.state);
  const covered = runs.reduce((n, r) => n + (r.to - r.from + 1), 0);
  expect(covered, `ports covered by sweep runs\n${describeRun(run)}`).toBe(PASSIVE_RANGE[1] - PASSIVE_RANGE[0] + 1);
}

/** The check logged in with the account's password (for vsftpd, its temporary system account), not anonymously. */
function expectPasswordLogin(run: CheckRun): void {
  const login = (reportOf(run)['observations'] as { login?: { anonymous?: boolean; ok?: boolean } }).login;
  expect(login, `login\n${describeRun(run)}`).toMatchObject({ anonymous: false, ok: true });
}

/** TLS data works (the engine resumes the session); only the probe's fresh session was refused. */
const REUSE_REQUIRED_EXPECTED: ScenarioExpectation = {
  channels: { control: 'ok', passive: 'ok', tls: 'ok' },
  findings: ['TLS_SESSION_REUSE_REQUIRED'],
  verdict: 'ok',
  exit: 0,
};

/** TLS_SESSION_REUSE_REQUIRED as a warning naming the clients that fail, the policy per version in the TLS summary. */
function expectReuseWarning(run: CheckRun, summary: RegExp, rule: RegExp): void {
  const f = expectFinding(run, 'TLS_SESSION_REUSE_REQUIRED', { channel: 'tls', severity: 'warning' });
  expect(f.rule, describeRun(run)).toMatch(/\.NET SslStream/);
  expect(f.rule, describeRun(run)).toMatch(rule);
  expect(reportOf(run).channels.tls.summary, describeRun(run)).toMatch(summary);
}

/** No control connection: nothing after it could be tested. */
const CONTROL_UNREACHABLE_EXPECTED: ScenarioExpectation = {
  channels: { control: 'blocked', passive: ['error', 'skipped'], active: ['error', 'skipped'] },
  findings: ['CONTROL_UNREACHABLE'],
  verdict: 'blocked',
  exit: 1,
};

/** A password login from behind the client NAT whose router runs the ftp conntrack helper (related-only policy). */
const PASSWORD_BEHIND_HELPER: Pick<Scenario, 'topology' | 'servers' | 'server' | 'rules'> = {
  topology: 'client-nat',
  // vsftpd logs in with a password only as a system account: a temporary one (lab-users.ts).
  servers: ['reference', 'pyftpdlib', 'vsftpd'],
  server: () => ({ localUser: true }),
  rules: () => [{ role: 'router', ruleset: ftpHelperStatefulRuleset('to-client') }],
};

export const scenarios: Scenario[] = [
  {
    id: 'open-path',
    title: 'open path: every channel works',
    topology: 'routed',
    servers: ALL_SERVERS,
    expected: {
      channels: { control: 'ok', passive: 'ok', active: 'ok', tls: 'ok' },
      findings: [],
      verdict: 'ok',
      allClear: true,
      exit: 0,
    },
    verify: (run, ctx) => expectBlockedRuns(run, ctx, []),
  },
  {
    id: 'passive-range-dropped',
    title: 'the passive range dropped on the router',
    topology: 'routed',
    servers: ALL_SERVERS,
    rules: (lab) => [{ role: 'router', ruleset: toServer(lab, 'drop', [PASSIVE_RANGE]) }],
    expected: {
      channels: { control: 'ok', passive: 'blocked', active: 'ok' },
      findings: ['PASSIVE_PORTS_BLOCKED'],
      verdict: 'blocked',
      exit: 1,
    },
    verify(run, ctx) {
      const f = expectFinding(run, 'PASSIVE_PORTS_BLOCKED', { channel: 'passive', severity: 'error', how: 'drop' });
      expect(f.ports, describeRun(run)).toEqual([PASSIVE_RANGE]);
      expectBlockedRuns(run, ctx, [PASSIVE_RANGE]);
    },
  },
  {
    id: 'passive-range-reset',
    title: 'the passive range rejected with a TCP reset on the router',
    topology: 'routed',
    servers: ['reference'],
    rules: (lab) => [{ role: 'router', ruleset: toServer(lab, 'reset', [PASSIVE_RANGE]) }],
    expected: {
      channels: { control: 'ok', passive: 'blocked', active: 'ok' },
      findings: ['PASSIVE_PORTS_BLOCKED'],
      verdict: 'blocked',
      exit: 1,
    },
    verify(run, ctx) {
      const f = expectFinding(run, 'PASSIVE_PORTS_BLOCKED', { channel: 'passive', how: 'reset' });
      expect(f.ports, describeRun(run)).toEqual([PASSIVE_RANGE]);
      expectBlockedRuns(run, ctx, [PASSIVE_RANGE]);
    },
  },
  {
    id: 'passive-range-reset-stock',
    title: 'the passive range rejected with a TCP reset on the router, a stock server behind it',
    topology: 'routed',
    servers: ['vsftpd', 'proftpd'],
    rules: (lab) => [{ role: 'router', ruleset: toServer(lab, 'reset', [PASSIVE_RANGE]) }],
    expected: {
      channels: { control: 'ok', passive: 'blocked', active: 'ok' },
      findings: ['PASSIVE_PORTS_BLOCKED'],
      verdict: 'blocked',
      exit: 1,
    },
    verify(run) {
      const f = expectFinding(run, 'PASSIVE_PORTS_BLOCKED', { channel: 'passive', severity: 'error', how: 'reset' });
      expect(f.rule, describeRun(run)).toMatch(/likely covers the whole passive range/);
      expect(f.rule, describeRun(run)).toMatch(/serve --sweep-mode/);
      const runs = reportOf(run).sweep?.runs ?? [];
      // A stock server listens on no sweep port but those it announced: nothing may read as reachable.
      expect(
        runs.filter((r) => r.state === 'open' || r.state === 'closed'),
        describeRun(run),
      ).toEqual([]);
      expect(
        runs.some((r) => r.state === 'refused'),
        describeRun(run),
      ).toBe(true);
    },
  },
  {
    id: 'passive-range-partly-reset',
    title: 'the lower half of the passive range rejected with a TCP reset on the router',
    topology: 'routed',
    servers: ['vsftpd', 'proftpd'],
    rules: (lab) => [{ role: 'router', ruleset: toServer(lab, 'reset', [PARTLY_RESET]) }],
    // Servers pick passive ports at random: now and then every port announced lies in the reset half,
    // and then the evidence is that of a wholly reset range (none connected), which the verdict follows.
    expected: {
      channels: { control: 'ok', passive: ['partial', 'blocked'] },
      findings: ['PASSIVE_PORTS_BLOCKED'],
      exit: 1,
    },
    verify(run) {
      const f = expectFinding(run, 'PASSIVE_PORTS_BLOCKED', { channel: 'passive', how: 'reset' });
      // Only the announced ports that were reset are known: each lies in the rule's range, none is extrapolated.
      for (const [from, to] of f.ports ?? []) {
        expect(from, describeRun(run)).toBe(to);
        expect(from >= PARTLY_RESET[0] && to <= PARTLY_RESET[1], describeRun(run)).toBe(true);
      }
      const report = reportOf(run);
      const connected = (report['observations'] as { passive: Array<{ outcome: string }> }).passive.some(
        (a) => a.outcome === 'ok',
      );
      expect(report.channels.passive.status, describeRun(run)).toBe(connected ? 'partial' : 'blocked');
      expect(report.verdict, describeRun(run)).toBe(connected ? 'problems' : 'blocked');
      expect(f.rule, describeRun(run)).toMatch(connected ? /boundary is unknown/ : /whole passive range/);
    },
  },
  {
    id: 'passive-range-icmp-admin',
    title: 'the passive range rejected with ICMP admin-prohibited (rate-limited by the router)',
    topology: 'routed',
    servers: ['reference'],
    rules: (lab) => [{ role: 'router', ruleset: toServer(lab, 'icmp-admin', [PASSIVE_RANGE]) }],
    expected: {
      channels: { control: 'ok', passive: 'blocked', active: 'ok' },
      findings: ['PASSIVE_PORTS_BLOCKED'],
      verdict: 'blocked',
      exit: 1,
    },
    verify(run, ctx) {
      const f = expectFinding(run, 'PASSIVE_PORTS_BLOCKED', {
        channel: 'passive',
        how: ['icmp-reject', 'rate-limited-reject'],
      });
      expect(f.ports, describeRun(run)).toEqual([PASSIVE_RANGE]);
      expectBlockedRuns(run, ctx, [PASSIVE_RANGE]);
      expect(
        reportOf(run).sweep?.runs.some((r) => r.state === 'icmp-reject'),
        describeRun(run),
      ).toBe(true);
    },
  },
  {
    id: 'passive-range-partly-dropped',
    title: 'two odd parts of the passive range dropped on the router (exact runs)',
    topology: 'routed',
    servers: ALL_SERVERS,
    rules: (lab) => [{ role: 'router', ruleset: toServer(lab, 'drop', PARTLY_DROPPED) }],
    expected: {
      channels: { control: 'ok', passive: 'partial' },
      findings: ['PASSIVE_PORTS_BLOCKED'],
      verdict: 'problems',
      exit: 1,
    },
    verify(run, ctx) {
      const f = expectFinding(run, 'PASSIVE_PORTS_BLOCKED', { channel: 'passive', how: 'drop' });
      expect(f.ports, describeRun(run)).toEqual(PARTLY_DROPPED);
      expectBlockedRuns(run, ctx, PARTLY_DROPPED);
    },
  },
  {
    id: 'local-firewall',
    title: "the client's own firewall (OUTPUT) dropping the passive range",
    topology: 'routed',
    servers: ['reference', 'pyftpdlib'],
    rules: (lab) => [{ role: 'client', ruleset: toServer(lab, 'drop', [PASSIVE_RANGE], 'output') }],
    expected: {
      channels: { control: 'ok', passive: 'blocked' },
      findings: ['PASSIVE_PORTS_BLOCKED', 'LOCAL_FIREWALL'],
      verdict: 'blocked',
      exit: 1,
    },
    verify(run, ctx) {
      expectFinding(run, 'LOCAL_FIREWALL', { channel: 'passive', where: 'this-computer' });
      expectBlockedRuns(run, ctx, [PASSIVE_RANGE]);
    },
  },
  {
    id: 'control-port-dropped',
    title: 'the control port dropped on the router',
    topology: 'routed',
    servers: ['reference'],
    rules: (lab) => [{ role: 'router', ruleset: toServer(lab, 'drop', [[21, 21]]) }],
    expected: CONTROL_UNREACHABLE_EXPECTED,
    verify: (run) =>
      void expectFinding(run, 'CONTROL_UNREACHABLE', { channel: 'control', severity: 'error', how: 'drop' }),
  },
  {
    id: 'control-port-dropped-implicit-ftps',
    title: 'port 21 dropped on the router, implicit FTPS on 990 open',
    topology: 'routed',
    servers: ['reference', 'vsftpd', 'proftpd'],
    server: () => ({ implicitFtps: true }),
    rules: (lab) => [{ role: 'router', ruleset: toServer(lab, 'drop', [[21, 21]]) }],
    expected: CONTROL_UNREACHABLE_EXPECTED,
    verify(run) {
      const f = expectFinding(run, 'CONTROL_UNREACHABLE', { channel: 'control', how: 'drop' });
      expect(f['title'], describeRun(run)).toMatch(
        /^Only port 21 is blocked: implicit FTPS on 990 works — use ftps:\/\//,
      );
      expect(reportOf(run).channels.control.summary, describeRun(run)).toMatch(/implicit FTPS on port 990 works/);
      // The host answers, so the sweep still ran.
      expect(reportOf(run).sweep?.['performed'], describeRun(run)).toBe(true);
    },
  },
  {
    id: 'host-dropped',
    title: 'every port of the server dropped on the router',
    topology: 'routed',
    servers: ['reference', 'vsftpd', 'proftpd', 'pure-ftpd'],
    rules: (lab) => [{ role: 'router', ruleset: toServer(lab, 'drop', [[1, 65535]]) }],
    expected: CONTROL_UNREACHABLE_EXPECTED,
    verify(run) {
      const f = expectFinding(run, 'CONTROL_UNREACHABLE', { channel: 'control', how: 'drop' });
      expect(f['title'], describeRun(run)).toMatch(/^Nothing of .* answers \(ports 21, 990 tried\)/);
      expect(reportOf(run).sweep?.['performed'], describeRun(run)).toBe(false);
    },
  },
  {
    id: 'not-ftp-http',
    title: 'an HTTP server on port 21',
    topology: 'routed',
    servers: { nonFtp: 'http' },
    // Nothing FTP answered, so no data channel could be tested: passive is not "ok" whatever a sweep found.
    expected: {
      channels: { control: 'blocked', passive: ['error', 'skipped'], active: ['error', 'skipped'] },
      findings: ['CONTROL_NOT_FTP'],
      verdict: 'blocked',
      exit: 1,
    },
  },
  {
    id: 'not-ftp-ssh',
    title: 'an SSH-like service on port 21',
    topology: 'routed',
    servers: { nonFtp: 'ssh' },
    expected: {
      channels: { control: 'blocked', passive: ['error', 'skipped'], active: ['error', 'skipped'] },
      findings: ['CONTROL_NOT_FTP'],
      verdict: 'blocked',
      exit: 1,
    },
  },
  {
    id: 'active-inbound-blocked',
    title: 'the active port dropped inbound on the router',
    topology: 'routed',
    servers: ['reference', 'pyftpdlib'],
    rules: () => [
      {
        role: 'router',
        ruleset: blockRuleset('forward', [
          { ports: [[ACTIVE_PORT, ACTIVE_PORT]], action: 'drop', daddr: LAB_ADDRESSES.client, newOnly: true },
        ]),
      },
    ],
    expected: {
      channels: { control: 'ok', passive: 'ok', active: 'blocked' },
      findings: ['ACTIVE_INBOUND_BLOCKED'],
      verdict: 'ok',
      exit: 0,
    },
    verify: (run) => void expectFinding(run, 'ACTIVE_INBOUND_BLOCKED', { channel: 'active' }),
  },
  {
    id: 'private-client-inbound-blocked',
    title: 'client on a private address routed without NAT, the active port dropped inbound: not NAT',
    topology: 'private-client',
    servers: ['vsftpd', 'pure-ftpd', 'pyftpdlib', 'proftpd'],
    rules: (lab) => [
      {
        role: 'router',
        ruleset: blockRuleset('forward', [
          { ports: [[ACTIVE_PORT, ACTIVE_PORT]], action: 'drop', daddr: lab.clientAddress, newOnly: true },
        ]),
      },
    ],
    expected: {
      channels: { control: 'ok', passive: 'ok', active: 'blocked' },
      // A server that refuses foreign PORT addresses accepted ours: it sees us there, so no NAT. ProFTPD accepts
      // any address, so its answer tells nothing and both causes are named.
      findings: (kind) => [kind === 'proftpd' ? 'ACTIVE_NAT_OR_INBOUND' : 'ACTIVE_INBOUND_BLOCKED'],
      verdict: 'ok',
      exit: 0,
    },
    verify(run, ctx) {
      if (ctx.kind === 'proftpd') return void expectFinding(run, 'ACTIVE_NAT_OR_INBOUND', { channel: 'active' });
      const f = expectFinding(run, 'ACTIVE_INBOUND_BLOCKED', { channel: 'active' });
      expect(f.rule, describeRun(run)).toMatch(/no NAT stands between you/);
    },
  },
  {
    id: 'client-nat-no-helper',
    title: 'client behind NAT without an FTP helper: active breaks, passive works',
    topology: 'client-nat',
    servers: ALL_SERVERS,
    expected: {
      channels: { control: 'ok', passive: 'ok', active: 'blocked' },
      // ProFTPD accepts any PORT address and connects to the control peer: its answer cannot tell NAT from a rule.
      findings: (kind) => [kind === 'proftpd' ? 'ACTIVE_NAT_OR_INBOUND' : 'ACTIVE_NAT'],
      verdict: 'ok',
      exit: 0,
    },
    verify: (run, ctx) =>
      void expectFinding(run, ctx.kind === 'proftpd' ? 'ACTIVE_NAT_OR_INBOUND' : 'ACTIVE_NAT', { channel: 'active' }),
  },
  {
    id: 'client-nat-ftp-helper',
    title:
      'client behind NAT with the ftp conntrack helper and a related-only policy: plain data works, TLS data fails',
    topology: 'client-nat',
    // Anonymous: the engine opens its extra plain-text control session (the only one an ALG can read)
    // only when no real password would cross the network unencrypted.
    servers: ['reference', 'vsftpd', 'pyftpdlib'],
    server: () => ({ anonymous: true }),
    rules: () => [{ role: 'router', ruleset: ftpHelperStatefulRuleset('to-client') }],
    expected: {
      channels: { control: 'ok', passive: ['ok', 'partial'], tls: 'blocked' },
      // New connections to the range are dropped (only helper-related flows pass), and the reference
      // server reports the PORT argument the helper rewrote on its way through the NAT.
      // The rewrite shows where the server says what it received (reference) or refuses foreign PORT
      // addresses (vsftpd, pyftpdlib: refused under TLS, accepted in plain text).
      findings: ['TLS_BREAKS_ALG', 'PASSIVE_PORTS_BLOCKED', 'ALG_REWRITE'],
    },
    verify: (run) => void expectFinding(run, 'TLS_BREAKS_ALG', { channel: 'tls' }),
  },
  {
    id: 'client-nat-ftp-helper-password',
    title: 'a password login behind the ftp conntrack helper: no plain comparison without --compare-plain',
    ...PASSWORD_BEHIND_HELPER,
    // Measured alike on all three: under TLS the helper sees nothing, so every data connection fails;
    // the server refuses a PORT naming the private address, which shows the NAT.
    expected: {
      channels: { control: 'ok', passive: 'blocked', active: 'blocked', tls: 'blocked' },
      findings: ['PASSIVE_PORTS_BLOCKED', 'ACTIVE_NAT'],
      verdict: 'blocked',
    },
    verify(run) {
      const report = reportOf(run);
      expect(report.channels.passive.summary, describeRun(run)).toMatch(/run again with --compare-plain/);
      const passive = (report['observations'] as { passive: Array<{ controlTls?: boolean }> }).passive;
      expect(
        passive.filter((a) => a.controlTls === false),
        describeRun(run),
      ).toEqual([]);
      expectNoFinding(run, 'TLS_BREAKS_ALG');
      expectPasswordLogin(run);
    },
  },
  {
    id: 'client-nat-ftp-helper-compare-plain',
    title: 'a password login behind the ftp conntrack helper with --compare-plain: plain works, TLS fails',
    ...PASSWORD_BEHIND_HELPER,
    args: ['--compare-plain'],
    expected: {
      channels: { control: 'ok', passive: 'partial', active: 'partial', tls: 'blocked' },
      findings: ['TLS_BREAKS_ALG', 'PASSIVE_PORTS_BLOCKED', 'ALG_REWRITE'],
      verdict: 'problems',
    },
    verify(run) {
      expectFinding(run, 'TLS_BREAKS_ALG', { channel: 'tls' });
      expect(reportOf(run).channels.passive.summary, describeRun(run)).not.toMatch(/--compare-plain/);
      expectPasswordLogin(run);
    },
  },
  {
    id: 'server-nat-private-pasv',
    title: 'server behind NAT advertising its private address',
    topology: 'server-nat',
    servers: ALL_SERVERS,
    expected: {
      channels: { control: 'ok', passive: ['ok', 'partial'], active: 'ok' },
      findings: ['PASV_PRIVATE_ADDRESS'],
    },
    verify: (run) => void expectFinding(run, 'PASV_PRIVATE_ADDRESS', { channel: 'passive', where: 'server-side' }),
  },
  {
    id: 'server-nat-pasv-address-set',
    title: 'server behind NAT with its public passive address configured',
    topology: 'server-nat',
    servers: ALL_SERVERS,
    server: () => ({ pasvAddress: LAB_ADDRESSES.target }),
    expected: {
      channels: { control: 'ok', passive: 'ok', active: 'ok', tls: 'ok' },
      findings: [],
      verdict: 'ok',
      allClear: true,
      exit: 0,
    },
    verify: (run, ctx) => expectBlockedRuns(run, ctx, []),
  },
  {
    id: 'tls-session-reuse-required',
    title: 'FTPS with TLS session reuse required on data connections',
    topology: 'routed',
    servers: TLS_REUSE_SERVERS,
    server: () => ({ requireTlsReuse: true }),
    args: ['--require', 'passive,tls'],
    // The engine resumes the control session on data connections, so TLS data works; its one data
    // connection with a fresh TLS session is refused, which shows the policy (issue 12).
    expected: REUSE_REQUIRED_EXPECTED,
    // Measured per version (issue 12): every TLS_REUSE_SERVERS server offers TLS 1.2 and 1.3, refuses a
    // fresh session under both and resumes three data connections in a row under both.
    verify: (run) =>
      expectReuseWarning(
        run,
        /requires data connections to resume.* under TLS 1\.3 and TLS 1\.2; 3 of 3 resumed data connections in a row worked under TLS 1\.3 and TLS 1\.2/,
        /required under TLS 1\.3 \(probed\).*which this server offers/,
      ),
  },
  {
    id: 'tls-session-reuse-required-tls12-only',
    title: 'FTPS with TLS session reuse required, TLS 1.2 only (proftpd TLSProtocol TLSv1.2)',
    topology: 'routed',
    servers: ['proftpd'],
    server: () => ({ requireTlsReuse: true, tls12Only: true }),
    args: ['--require', 'passive,tls'],
    expected: REUSE_REQUIRED_EXPECTED,
    // The check offered TLS 1.3 and proftpd chose 1.2: no session is opened to learn that 1.3 is not offered.
    verify: (run) =>
      expectReuseWarning(
        run,
        /resume the TLS session \(a fresh session was refused\) under TLS 1\.2; the server does not offer TLS 1\.3; 3 of 3 resumed data connections in a row worked under TLS 1\.2/,
        /offers only TLS 1\.2 and requires reuse there \(probed\)/,
      ),
  },
  {
    id: 'tls-session-reuse-not-required',
    title:
      'FTPS without the TLS session-reuse requirement (vsftpd require_ssl_reuse=NO, proftpd NoSessionReuseRequired, pure-ftpd)',
    topology: 'routed',
    servers: [...TLS_REUSE_SERVERS, 'pure-ftpd'],
    args: ['--require', 'passive,tls'],
    expected: { channels: { control: 'ok', passive: 'ok', tls: 'ok' }, findings: [], verdict: 'ok', exit: 0 },
    verify(run, ctx) {
      const summary = reportOf(run).channels.tls.summary;
      expect(summary, describeRun(run)).toMatch(/no reuse required\) under TLS 1\.3 and TLS 1\.2;/);
      // Measured: pure-ftpd 1.0.50 resumes no session under TLS 1.3 (its data connections work with fresh
      // ones) and resumes under TLS 1.2; the others resume under both.
      expect(summary, describeRun(run)).toMatch(
        ctx.kind === 'pure-ftpd'
          ? /3 of 3 data connections in a row worked under TLS 1\.3, none resuming the session; 3 of 3 resumed data connections in a row worked under TLS 1\.2/
          : /3 of 3 resumed data connections in a row worked under TLS 1\.3 and TLS 1\.2/,
      );
    },
  },
  {
    id: 'tls-data-required',
    title: 'FTPS server that refuses clear data connections (PROT C): a policy, not a blocked path',
    topology: 'routed',
    // Two wordings of one protocol fact: pyftpdlib refuses PASV/PORT with "550 SSL/TLS required on the
    // data channel.", vsftpd the transfer command with "522 Data connections must be encrypted.".
    servers: ['vsftpd', 'pyftpdlib'],
    server: () => ({ requireTlsData: true }),
    args: ['--require', 'passive,active,tls'],
    expected: {
      channels: { control: 'ok', passive: 'ok', active: 'ok', tls: 'ok' },
      findings: [],
      verdict: 'ok',
      exit: 0,
    },
  },
];

/** Half the range: with a dozen random passive ports, some land on each side (all on one side: p < 0.001). */
const PARTLY_RESET: [number, number] = [60000, 62767];

const PARTLY_DROPPED: Array<[number, number]> = [
  [61234, 61999],
  [64000, 65535],
];

export function scenariosFor(kind: ServerKind | 'non-ftp', topology: Topology): Scenario[] {
  return scenarios.filter(
    (s) =>
      s.topology === topology &&
      (Array.isArray(s.servers) ? s.servers.includes(kind as ServerKind) : kind === 'non-ftp'),
  );
}
