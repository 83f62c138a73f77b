import { expect } from 'vitest';
import {
  describeRun,
  type Channel,
  type ChannelStatus,
  type CheckRun,
  type LabReport,
  type ReportFinding,
} from './check-run.js';

/**
 * Assertions on the report's stable shape: channels.*.status, sweep.runs, findings[].code.
 * Each failure message carries the whole run summary, so a lab failure can be told apart from a
 * bug in the engine or the diagnosis without re-running.
 */

export function reportOf(run: CheckRun): LabReport {
  expect(run.report, describeRun(run)).toBeDefined();
  return run.report!;
}

export function expectChannels(
  run: CheckRun,
  expected: Partial<Record<Channel, ChannelStatus | ChannelStatus[]>>,
): void {
  const report = reportOf(run);
  for (const [channel, want] of Object.entries(expected) as Array<[Channel, ChannelStatus | ChannelStatus[]]>) {
    const allowed = Array.isArray(want) ? want : [want];
    expect(allowed, `channels.${channel}.status\n${describeRun(run)}`).toContain(report.channels?.[channel]?.status);
  }
}

export function findingsOf(run: CheckRun, code: string): ReportFinding[] {
  return (reportOf(run).findings ?? []).filter((f) => f.code === code);
}

export function expectFinding(
  run: CheckRun,
  code: string,
  props: Partial<Pick<ReportFinding, 'channel' | 'severity' | 'where'>> & { how?: string | string[] } = {},
): ReportFinding {
  const found = findingsOf(run, code);
  expect(found.length, `finding ${code}\n${describeRun(run)}`).toBeGreaterThan(0);
  const finding = found[0]!;
  const { how, ...rest } = props;
  expect(finding, `finding ${code}\n${describeRun(run)}`).toMatchObject(rest);
  if (how !== undefined)
    expect(Array.isArray(how) ? how : [how], `finding ${code}.how\n${describeRun(run)}`).toContain(finding.how);
  return finding;
}

export function expectNoFinding(run: CheckRun, code: string): void {
  expect(findingsOf(run, code), `no finding ${code}\n${describeRun(run)}`).toEqual([]);
}

/** An all-clear run: no error and no warning (README: an all-clear run has no warnings). */
export function expectAllClear(run: CheckRun): void {
  const problems = (reportOf(run).findings ?? []).filter((f) => f.severity !== 'info').map((f) => f.code);
  expect(problems, `no error/warning findings\n${describeRun(run)}`).toEqual([]);
}

export function expectExit(run: CheckRun, code: number): void {
  expect(run.exitCode, `exit code\n${describeRun(run)}`).toBe(code);
}
