// npm run bench:check — the whole `ftpdoctor check` (the built dist/cli.js, default timeouts) against
// real vsftpd and the reference server in the lab's namespaces, and on the same path the time curl
// (--connect-timeout 10) takes to succeed or fail once, passive and active. Needs root, ip, nft, a
// built dist/ and the lab's servers (FTPDOCTOR_LAB_SERVERS). Not a timed test: it prints a table.
// Bundled with rolldown into .lab-tmp/bench/ first (the lab's modules use TypeScript that type
// stripping alone does not run); from there the lab finds the repository two folders up, as it does
// from test/lab/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { blockRuleset } from '../test/lab/rulesets.ts';
import { PASSIVE_RANGE, type LabServer, type ServerKind } from '../test/lab/lab-server.ts';
import { createLab, LAB_ADDRESSES, LAB_TMP, labAvailability, type Lab } from '../test/lab/netns.ts';
import { CLI, PASSWORD_ENV } from '../test/lab/servers/reference.ts';
import { launchers, serverMissing } from '../test/lab/servers/launchers.ts';
import { makeSelfSignedCert } from '../test/lab/tls-cert.ts';
import { criticalPath, type TimedStep } from './critical-path.ts';

/** The client's active-mode port, as in the lab's scenarios (test/lab/check-run.ts ACTIVE_PORT). */
const ACTIVE_PORT = 50000;
const CURL_CONNECT_TIMEOUT_S = 10;
/** curl waits up to 60 s for an active connection that never comes (CURLOPT_ACCEPTTIMEOUT_MS); the bench stops it sooner. */
const CURL_MAX_TIME_S = 30;
const SERVERS: ServerKind[] = ['vsftpd', 'reference'];
/** Each check's JSON report is kept here for reading after a run. */
const REPORTS_DIR = join(LAB_TMP, 'bench', 'reports');
/** CHECK_BENCH_ONLY=<regex> runs only the matching scenarios. */
const ONLY = new RegExp(process.env.CHECK_BENCH_ONLY ?? '');

interface Scenario {
  name: string;
  clientNat: boolean;
  /** The router's forward ruleset, as an admin would write it. */
  rules?: (lab: Lab) => string;
}

const toServer = (action: 'drop' | 'icmp-admin', ports: Array<[number, number]>) => (lab: Lab) =>
  blockRuleset('forward', [{ ports, action, daddr: lab.target }]);

const scenarios: Scenario[] = [
  { name: 'nothing blocked', clientNat: false },
  { name: 'passive range dropped', clientNat: false, rules: toServer('drop', [PASSIVE_RANGE]) },
  { name: 'range rejected with ICMP', clientNat: false, rules: toServer('icmp-admin', [PASSIVE_RANGE]) },
  {
    name: 'part of the range dropped',
    clientNat: false,
    rules: toServer('drop', [
      [61234, 61999],
      [64000, 65535],
    ]),
  },
  {
    // Every new inbound connection to the client: ftpdoctor's active port and the one curl picks.
    name: 'active port dropped inbound',
    clientNat: false,
    rules: () =>
      blockRuleset('forward', [{ ports: [[1024, 65535]], action: 'drop', daddr: LAB_ADDRESSES.client, newOnly: true }]),
  },
  { name: 'client NAT', clientNat: true },
];

interface Row {
  scenario: string;
  server: ServerKind;
  wallMs: number;
  verdict: string;
  channels: string;
  path: string;
  curlPassive: CurlTime;
  curlActive: CurlTime;
}

interface CurlTime {
  ms: number;
  ok: boolean;
  /** Stopped by --max-time, not by its own verdict. */
  capped: boolean;
  /** curl's own message when it failed. */
  error: string;
}

async function runFtpdoctor(
  lab: Lab,
  server: LabServer,
  name: string,
): Promise<Omit<Row, 'scenario' | 'server' | 'curlPassive' | 'curlActive'>> {
  const { account } = server;
  const login = account.password === undefined ? [] : ['--user', account.user, '--password-env', PASSWORD_ENV];
  const argv = [process.execPath, CLI, 'check', lab.target, '--json', '--tls-auto', '--insecure'];
  argv.push('--active-port', String(ACTIVE_PORT), ...login);
  const env = { ...process.env, NO_COLOR: '1', ...(account.password ? { [PASSWORD_ENV]: account.password } : {}) };
  const result = await lab.exec('client', argv, { allowFailure: true, timeoutMs: 150_000, env });
  mkdirSync(REPORTS_DIR, { recursive: true });
  writeFileSync(join(REPORTS_DIR, `${server.kind}-${name.replaceAll(' ', '-')}.json`), result.stdout);
  try {
    const report = JSON.parse(result.stdout) as {
      verdict: string;
      channels: Record<string, { status: string }>;
      timings: { steps: TimedStep[] };
    };
    const channels = ['passive', 'active', 'tls'].map((c) => `${c}=${report.channels[c]?.status ?? '?'}`).join(' ');
    const path = criticalPath(report.timings.steps)
      .map((s) => `${s.id} ${s.elapsedMs}`)
      .join(' → ');
    return { wallMs: result.elapsedMs, verdict: report.verdict, channels, path };
  } catch {
    return { wallMs: result.elapsedMs, verdict: `no report (exit ${result.code})`, channels: '', path: '' };
  }
}

async function runCurl(lab: Lab, server: LabServer, active: boolean): Promise<CurlTime> {
  const { account } = server;
  const argv = ['curl', '--silent', '--show-error', '--output', '/dev/null'];
  argv.push('--connect-timeout', String(CURL_CONNECT_TIMEOUT_S), '--max-time', String(CURL_MAX_TIME_S));
  argv.push('--user', `${account.user}:${account.password ?? 'lab@example.com'}`);
  // "-": the control connection's own address and a port of curl's choosing. Given ADDRESS:PORT with the
  // server's connection dropped, curl 7.88 failed at once in this lab (exit 19, "sa_addr inet_ntop()
  // failed with errno 97"), which is no time to fail for a user's transfer.
  if (active) argv.push('--ftp-port', '-');
  argv.push(`ftp://${lab.target}/`);
  const result = await lab.exec('client', argv, { allowFailure: true, timeoutMs: (CURL_MAX_TIME_S + 5) * 1000 });
  // curl exit 28: operation timed out, which is --connect-timeout as well as --max-time.
  return {
    ms: result.elapsedMs,
    ok: result.code === 0,
    capped: result.elapsedMs >= CURL_MAX_TIME_S * 1000,
    error: result.stderr.trim().replaceAll('\n', ' / '),
  };
}

async function benchTopology(clientNat: boolean, list: Scenario[]): Promise<Row[]> {
  const rows: Row[] = [];
  const lab = await createLab({ label: clientNat ? 'bnat' : 'bench', clientNat });
  try {
    const tls = await makeSelfSignedCert(lab.dir, lab.target);
    for (const scenario of list) {
      for (const kind of SERVERS) {
        await lab.clearRules('router');
        if (scenario.rules) await lab.loadRules('router', scenario.rules(lab));
        const server = await launchers[kind](lab, { tls, sweepMode: kind === 'reference' });
        try {
          const check = await runFtpdoctor(lab, server, scenario.name);
          const curlPassive = await runCurl(lab, server, false);
          const curlActive = await runCurl(lab, server, true);
          const row = { scenario: scenario.name, server: kind, ...check, curlPassive, curlActive };
          rows.push(row);
          process.stderr.write(`${formatRow(row)}\n`);
          for (const t of [curlPassive, curlActive]) if (!t.ok) process.stderr.write(`  curl: ${t.error}\n`);
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await lab.destroy();
  }
  return rows;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function curlCell(t: CurlTime): string {
  return `${t.capped ? '≥' : ''}${seconds(t.ms)} ${t.ok ? 'ok' : 'fails'}`;
}

/** ftpdoctor's wall time over curl's time to fail once (the longer of its failing modes); none where curl works. */
function ratio(row: Row): string {
  const failing = [row.curlPassive, row.curlActive].filter((t) => !t.ok);
  if (failing.length === 0) return '–';
  const curl = Math.max(...failing.map((t) => t.ms));
  return `${(row.wallMs / curl).toFixed(2)}×`;
}

function formatRow(row: Row): string {
  return `| ${row.scenario} | ${row.server} | ${seconds(row.wallMs)} | ${row.verdict}; ${row.channels} | ${row.path} | ${curlCell(row.curlPassive)} | ${curlCell(row.curlActive)} | ${ratio(row)} |`;
}

async function main(): Promise<void> {
  const available = labAvailability();
  if (!available.ok) throw new Error(available.reason);
  for (const kind of SERVERS) {
    const missing = serverMissing(kind);
    if (missing) throw new Error(`${kind}: ${missing}`);
  }
  const load = (): string =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const loadBefore = load();
  const chosen = scenarios.filter((s) => ONLY.test(s.name));
  const rows = [
    ...(await benchTopology(
      false,
      chosen.filter((s) => !s.clientNat),
    )),
    ...(await benchTopology(
      true,
      chosen.filter((s) => s.clientNat),
    )),
  ];
  console.log(`load average (1, 5, 15 min): ${loadBefore} before, ${load()} after`);
  console.log(
    '| scenario | server | ftpdoctor wall | verdict | critical path (ms per step) | curl passive | curl active | ratio |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(formatRow(row));
}

main().catch((err: unknown) => {
  console.error(`bench:check: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
