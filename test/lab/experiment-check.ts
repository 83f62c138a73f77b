import { expect } from 'vitest';
import { schemaErrors } from '../report/report-schema.js';
import { LAB_TIMEOUTS } from './check-run.js';
import type { Lab } from './netns.js';
import { CLI } from './servers/reference.js';

/**
 * `ftpdoctor check --json` for the long-session experiments (transfers, idle test, parallel
 * sessions): plain FTP and no sweep, so only the experiment under test is timed, then the report
 * checked against the schema. `runCheck` always adds --tls-auto, which these scenarios cannot use:
 * through a path-MTU black hole the certificate flight alone would stall.
 */
export async function experimentCheck<R>(lab: Lab, extra: string[]): Promise<R> {
  const argv = [process.execPath, CLI, 'check', lab.target, '--json', '--no-tls', '--sweep', 'off', ...LAB_TIMEOUTS];
  const raw = await lab.exec('client', [...argv, ...extra], {
    allowFailure: true,
    timeoutMs: 120_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const report = JSON.parse(raw.stdout) as R;
  expect(schemaErrors(report), 'the report matches schema/report.schema.json').toBe('');
  return report;
}
