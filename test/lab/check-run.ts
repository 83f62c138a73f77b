import { expect } from 'vitest';
import { schemaErrors } from '../report/report-schema.js';
import type { RunResult } from './lab-process.js';
import type { LabServer } from './lab-server.js';
import type { Lab } from './netns.js';
import { CLI, PASSWORD_ENV } from './servers/reference.js';

/**
 * `ftpdoctor check <target> --json` as a user runs it: the built CLI, in the client namespace, with
 * the lab's short timeouts. The report is only read through the stable shape (README, "The report").
 */

export type ChannelStatus = 'ok' | 'partial' | 'blocked' | 'error' | 'skipped';
export type Channel = 'control' | 'passive' | 'active' | 'tls';

export interface ReportRun {
  from: number;
  to: number;
  state: string;
}

export interface ReportFinding {
  code: string;
  severity: 'error' | 'warning' | 'info';
  channel: Channel;
  how?: string;
  where?: string;
  actor?: string;
  ports?: Array<[number, number]>;
  rule?: string;
  [more: string]: unknown;
}

export interface LabReport {
  channels: Record<Channel, { status: ChannelStatus; summary?: string }>;
  sweep?: { range?: [number, number]; runs: ReportRun[]; [more: string]: unknown };
  findings: ReportFinding[];
  verdict: string;
  [more: string]: unknown;
}

export interface CheckRun {
  exitCode: number | null;
  report: LabReport | undefined;
  /** Why stdout was not a report, when it was not. */
  parseError?: string;
  raw: RunResult;
}

/** The lab's active-mode port: the client listens here for the server's data connection. */
export const ACTIVE_PORT = 50000;

/** Timeouts sized for the lab's sub-millisecond paths: a dropped connect costs one step timeout. */
export const LAB_TIMEOUTS = ['--timeout', '45s', '--step-timeout', '1500ms', '--pasv-samples', '3'];

export async function runCheck(
  lab: Lab,
  server: LabServer | undefined,
  extra: string[] = [],
  host: string = lab.target,
): Promise<CheckRun> {
  const account = server?.account;
  const login =
    account === undefined || account.password === undefined
      ? []
      : ['--user', account.user, '--password-env', PASSWORD_ENV];
  const argv = [
    process.execPath,
    CLI,
    'check',
    host,
    '--json',
    '--tls-auto',
    '--insecure',
    '--active-port',
    String(ACTIVE_PORT),
    ...LAB_TIMEOUTS,
    ...login,
    ...extra,
  ];
  const env = {
    ...process.env,
    NO_COLOR: '1',
    ...(account?.password === undefined ? {} : { [PASSWORD_ENV]: account.password }),
  };
  // The check ends itself at its --timeout (a slow-path scenario gives it longer than the lab's 45 s).
  const timeoutAt = extra.lastIndexOf('--timeout');
  const checkMs = timeoutAt >= 0 ? Number.parseInt(extra[timeoutAt + 1] ?? '', 10) * 1000 : 0;
  const timeoutMs = Math.max(90_000, (Number.isFinite(checkMs) ? checkMs : 0) + 30_000);
  const raw = await lab.exec('client', argv, { allowFailure: true, timeoutMs, env });
  let report: LabReport;
  try {
    report = JSON.parse(raw.stdout) as LabReport;
  } catch (err) {
    return { exitCode: raw.code, report: undefined, parseError: (err as Error).message, raw };
  }
  expect(schemaErrors(report), 'the report matches schema/report.schema.json').toBe('');
  return { exitCode: raw.code, report, raw };
}

/** One line per fact a failing assertion needs: exit code, channels, runs, findings, stderr tail. */
export function describeRun(run: CheckRun): string {
  const r = run.report;
  if (r === undefined) {
    return `exit ${run.exitCode}, no JSON report (${run.parseError}) after ${run.raw.elapsedMs} ms\nstdout: ${run.raw.stdout.slice(0, 1500)}\nstderr: ${run.raw.stderr.slice(-1500)}`;
  }
  const channels = Object.entries(r.channels ?? {})
    .map(([k, v]) => `${k}=${v?.status}`)
    .join(' ');
  const runs = (r.sweep?.runs ?? []).map((x) => `${x.from}-${x.to}:${x.state}`).join(' ');
  const findings = (r.findings ?? [])
    .map((f) => `${f.code}/${f.severity}/${f.channel}${f.how === undefined ? '' : `/${f.how}`}`)
    .join(' ');
  return `exit ${run.exitCode} in ${run.raw.elapsedMs} ms; verdict ${r.verdict}; ${channels}\nruns: ${runs}\nfindings: ${findings}\nstderr: ${run.raw.stderr.slice(-800)}`;
}

/** States of a sweep run that mean the port could not be reached. */
export const BLOCKED_STATES = new Set(['no-answer', 'icmp-reject', 'blocked-reset', 'token-mismatch', 'local-error']);

/** Runs merged over adjacent ports with a blocking state, whatever the state (an ICMP reject rate-limited into no-answers is one rule). */
export function blockedRanges(runs: ReportRun[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const run of [...runs].sort((a, b) => a.from - b.from)) {
    if (!BLOCKED_STATES.has(run.state)) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last[1] + 1 === run.from) last[1] = run.to;
    else out.push([run.from, run.to]);
  }
  return out;
}
