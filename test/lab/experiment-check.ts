import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect } from 'vitest';
import { RECORD } from './fixture-recording.js';
import { schemaErrors } from '../report/report-schema.js';
import { LAB_TIMEOUTS } from './check-run.js';
import type { LabServer } from './lab-server.js';
import { useLab } from './lab-suite.js';
import { REPO_ROOT, type Lab } from './netns.js';
import { CLI } from './servers/reference.js';
import { makeSelfSignedCert, type TlsFiles } from './tls-cert.js';

/**
 * `ftpdoctor check --json` for the long-session experiments (transfers, idle test, parallel
 * sessions): plain FTP and no sweep, so only the experiment under test is timed, then the report
 * checked against the schema; what `env` passes (a password) must not appear in the output. `runCheck` always adds --tls-auto, which these scenarios cannot use:
 * through a path-MTU black hole the certificate flight alone would stall.
 */
export async function experimentCheck<R>(lab: Lab, extra: string[], env: NodeJS.ProcessEnv = {}): Promise<R> {
  const argv = [process.execPath, CLI, 'check', lab.target, '--json', '--no-tls', '--sweep', 'off', ...LAB_TIMEOUTS];
  const raw = await lab.exec('client', [...argv, ...extra], {
    allowFailure: true,
    timeoutMs: 120_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  for (const secret of Object.values(env))
    if (secret)
      expect(raw.stdout.includes(secret) || raw.stderr.includes(secret), 'a secret in the output').toBe(false);
  const report = JSON.parse(raw.stdout) as R;
  expect(schemaErrors(report), 'the report matches schema/report.schema.json').toBe('');
  return report;
}

/**
 * One lab for a describe block of experiment scenarios: its certificate, and after each scenario
 * the far-side server stopped, whatever `cleanup` undoes (a route), and the router's rules removed.
 */
export function experimentLab(label: string): {
  lab: () => Lab;
  tls: () => TlsFiles;
  /** Records the scenario's server, so it is stopped after the scenario even when it fails. */
  serve: (server: LabServer) => LabServer;
  /** Runs after the scenario, before the rules are cleared. */
  cleanup: (undo: () => Promise<unknown>) => void;
} {
  const lab = useLab({ label });
  let tls: TlsFiles | undefined;
  let server: LabServer | undefined;
  const undos: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    tls = await makeSelfSignedCert(lab().dir, lab().target);
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    for (const undo of undos.splice(0)) await undo();
    await lab().clearRules('router');
  });
  return {
    lab,
    tls: () => {
      if (!tls) throw new Error(`lab ${label} has no certificate yet`);
      return tls;
    },
    serve: (s) => (server = s),
    cleanup: (undo) => void undos.push(undo),
  };
}

/**
 * With FTPDOCTOR_LAB_RECORD=1, a passed experiment scenario becomes a diagnosis fixture
 * (fixtures/README.md): the observation log its report carries, and a sidecar with the finding
 * codes the scenario itself expects — called after the scenario's assertions, never before.
 */
export function recordExperiment(
  name: string,
  report: { observations?: unknown },
  sidecar: { description: string; findings: string[]; allClear?: boolean },
): void {
  if (!RECORD || report.observations === undefined) return;
  const base = join(REPO_ROOT, 'fixtures', `lab-${name}`);
  const expected = {
    description: sidecar.description,
    recordedWith:
      'ftpdoctor check --json --no-tls --sweep off (built CLI) in the namespace lab (test/lab, routed topology)',
    require: ['passive'],
    findings: sidecar.findings,
    ...(sidecar.allClear === undefined ? {} : { allClear: sidecar.allClear }),
  };
  writeFileSync(`${base}.observation.json`, `${JSON.stringify(report.observations, null, 2)}\n`);
  writeFileSync(`${base}.expected.json`, `${JSON.stringify(expected, null, 2)}\n`);
}
