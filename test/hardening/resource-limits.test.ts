import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPorts } from '../../src/ftp/port-ranges.js';
import { schemaErrors } from '../report/report-schema.js';
import { runCli, startServerProcess, type ServerProcess } from './reference-process.js';

/**
 * The client under a low open-file limit (`ulimit -n`), against a reference server in its own
 * process with the default limit: the sweep must adapt its concurrency and still classify every
 * port right, and a descriptor shortage anywhere must be reported as this computer's problem
 * (LOCAL_RESOURCE), never as a firewall.
 */

const RANGE = '28000-28999';
const PORTS = 1000;
/** Findings that blame the network; none may come from this computer running out of descriptors. */
const FIREWALL_CODES = /BLOCKED|REJECT|DROP|FIREWALL|RESET/;

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess(['--pasv-range', RANGE, '--sweep-mode']);
});
afterAll(async () => {
  await server?.kill();
});

interface ReportView {
  verdict: string;
  complete: boolean;
  sweep: { counts: Record<string, number>; portsTested: number };
  findings: Array<{ code: string; channel: string }>;
  observations: {
    sweep?: { concurrency: { max: number; fdLimit?: number } };
    serverView?: { sweep?: { ranges: Array<[number, number]> } };
  };
}

async function checkUnder(limit: number): Promise<{ code: number | null; report: ReportView; stderr: string }> {
  const run = await runCli(
    [
      'check',
      `127.0.0.1:${server.port}`,
      '--no-tls',
      '--range',
      RANGE,
      '--json',
      '--step-timeout',
      '2s',
      '--timeout',
      '60s',
    ],
    {
      shellPrefix: `ulimit -n ${limit};`,
      timeoutMs: 90_000,
    },
  );
  expect(run.stderr).not.toMatch(/EMFILE.*\n\s+at |Segmentation|Assertion failed/);
  const report = JSON.parse(run.stdout) as ReportView;
  expect(schemaErrors(report)).toBe('');
  return { code: run.code, report, stderr: run.stderr };
}

describe('a check under a low open-file limit', () => {
  it('with ulimit -n 256 sweeps every port with a window that fits the limit, all open, exit 0', async () => {
    const { code, report } = await checkUnder(256);
    const concurrency = report.observations.sweep?.concurrency;
    expect(concurrency?.fdLimit).toBe(256);
    expect(concurrency?.max).toBeLessThan(256);
    expect(report.sweep.portsTested).toBe(PORTS);
    // Exactly the ports the server listens on are open; those it could not bind (in use by other
    // programs) are honestly closed; no other state is allowed.
    const listening = countPorts(report.observations.serverView?.sweep?.ranges ?? []);
    expect(listening).toBeGreaterThan(0);
    expect(report.sweep.counts).toEqual({
      open: listening,
      ...(listening < PORTS ? { closed: PORTS - listening } : {}),
    });
    expect(report.findings.map((f) => f.code)).toEqual([]);
    expect(report.complete).toBe(true);
    expect(code).toBe(0);
  });

  it('just above the lowest limit Node can start under, blames no firewall: every shortage is LOCAL_RESOURCE', async () => {
    // Node's ESM loader opens module files in parallel, so the lowest limit it starts under varies by a
    // descriptor or two from run to run; a margin keeps the loader's own EMFILE (before any code of
    // ours runs) out of what this test judges.
    const lowest = (await lowestStartableLimit()) + 3;
    for (const limit of [lowest, lowest + 1, lowest + 2, lowest + 3, lowest + 6]) await expectNoFirewallBlame(limit);
  });
});

/** Below this many descriptors Node cannot even load the program (its own loader gets EMFILE). */
async function lowestStartableLimit(): Promise<number> {
  for (let limit = 16; limit <= 64; limit++) {
    const run = await runCli(['--version'], { shellPrefix: `ulimit -n ${limit};`, timeoutMs: 10_000 });
    if (run.code === 0) return limit;
  }
  throw new Error('the CLI does not start under ulimit -n 64');
}

async function expectNoFirewallBlame(limit: number): Promise<void> {
  const { code, report } = await checkUnder(limit);
  expect(report.observations.sweep?.concurrency.max).toBeGreaterThanOrEqual(1);
  expect(report.sweep.counts['no-answer'] ?? 0).toBe(0);
  expect(report.sweep.counts['blocked-reset'] ?? 0).toBe(0);
  const blamed = report.findings.filter((f) => FIREWALL_CODES.test(f.code));
  expect(blamed, `ulimit -n ${limit}: ${JSON.stringify(report.findings)}`).toEqual([]);
  // Either everything worked, or this computer's shortage is named as such (and the exit code says so).
  if (report.findings.length > 0) expect(report.findings.map((f) => f.code)).toContain('LOCAL_RESOURCE');
  expect(
    code === 0 || report.findings.some((f) => f.code === 'LOCAL_RESOURCE'),
    `ulimit -n ${limit}: exit ${code}`,
  ).toBe(true);
}

describe('the self-test under a low open-file limit', () => {
  // The server and the client share one process there: every sweep connect costs two descriptors.
  it('with ulimit -n 256 sweeps a range that fits, every channel green, exit 0', async () => {
    const run = await runCli(['selftest', '--json', '--timeout', '60s'], {
      shellPrefix: 'ulimit -n 256;',
      timeoutMs: 90_000,
    });
    const report = JSON.parse(run.stdout) as ReportView & { channels: Record<string, { status: string }> };
    expect(schemaErrors(report)).toBe('');
    expect(run.stderr).toMatch(/the open-file limit is 256; sweeping 60000-\d+ instead of 60000-65535/);
    expect(report.sweep.counts['token-mismatch'] ?? 0).toBe(0);
    expect(report.findings.map((f) => f.code)).toEqual([]);
    expect(Object.values(report.channels).map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(run.code).toBe(0);
  });

  it('with ulimit -n 64 says the limit is too low, and exits 3 without a firewall verdict', async () => {
    const run = await runCli(['selftest', '--json'], { shellPrefix: 'ulimit -n 64;', timeoutMs: 30_000 });
    expect(run.stderr).toMatch(/^error: the open-file limit is 64 .*too low.*ulimit -n/m);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(3);
  });
});
