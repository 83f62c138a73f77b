import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckRun } from './check-run.js';
import { REPO_ROOT } from './netns.js';
import { expectedFindings, type Scenario, type ScenarioContext } from './scenarios.js';

/**
 * Lab runs recorded as diagnosis fixtures (format: fixtures/README.md): the observation log the report
 * carries, and a sidecar written from the scenario's own expectation, never from the diagnosis.
 * Only with FTPDOCTOR_LAB_RECORD=1 (`npm run test:lab:record`), only for scenarios whose finding codes
 * are fully determined, and only after the run passed every assertion.
 */

export const RECORD = process.env.FTPDOCTOR_LAB_RECORD === '1';
const FIXTURES = join(REPO_ROOT, 'fixtures');

/** What a finding must say besides its code (fixtures/README.md "details"), from the scenario's own rules. */
export type FixtureDetails = Record<string, { how?: string; ports?: Array<[number, number]> }>;

export function recordFixture(server: string, scenario: Scenario, run: CheckRun, details?: FixtureDetails): void {
  const { expected } = scenario;
  const findings = expectedFindings(expected, server as ScenarioContext['kind']);
  const log = run.report?.observations;
  if (findings === undefined || log === undefined) return;
  const channels = Object.fromEntries(
    Object.entries(expected.channels).filter(([, status]) => typeof status === 'string'),
  );
  const requireAt = scenario.args?.indexOf('--require') ?? -1;
  const sidecar = {
    description: `${scenario.title} (${server})`,
    recordedWith: `ftpdoctor check --json (built CLI) in the namespace lab (test/lab, ${scenario.topology} topology) against ${server}`,
    require: requireAt >= 0 ? scenario.args![requireAt + 1]!.split(',') : ['passive'],
    findings,
    channels,
    ...(expected.verdict === undefined ? {} : { verdict: expected.verdict }),
    ...(expected.allClear === undefined ? {} : { allClear: expected.allClear }),
    ...(details === undefined ? {} : { details }),
  };
  const base = join(FIXTURES, `lab-${server}-${scenario.id}`);
  writeFileSync(`${base}.observation.json`, `${JSON.stringify(log, null, 2)}\n`);
  writeFileSync(`${base}.expected.json`, `${JSON.stringify(sidecar, null, 2)}\n`);
}
