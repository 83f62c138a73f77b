import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCheck, type CheckRun } from './check-run.js';
import type { LabProcess } from './lab-process.js';
import type { LabServer, ServerKind } from './lab-server.js';
import { labDescribe, useLab } from './lab-suite.js';
import { LAB_TMP, type Lab } from './netns.js';
import { startNonFtpService } from './non-ftp-service.js';
import { recordFixture, RECORD } from './fixture-recording.js';
import { scenariosFor, verifyExpectation, type Scenario, type Topology } from './scenarios.js';
import { launchers, serverMissing } from './servers/launchers.js';
import { makeSelfSignedCert, type TlsFiles } from './tls-cert.js';

/**
 * Runs every scenario of one server kind: one lab per topology, a fresh server per scenario (their
 * configs differ), the rules loaded, `ftpdoctor check --json` from the client namespace, then the
 * scenario's assertions. Each report is kept under .lab-tmp/reports/ for reading after a run.
 */

const TOPOLOGIES: Topology[] = ['routed', 'client-nat', 'server-nat', 'private-client'];
export const REPORTS_DIR = join(LAB_TMP, 'reports');
/** A check bounded by its own --timeout (runCheck), plus server start and stop; set here so any vitest config honours it. */
const SCENARIO_TIMEOUT_MS = 120_000;

async function startFarSide(
  lab: Lab,
  kind: ServerKind | 'non-ftp',
  scenario: Scenario,
  tls: TlsFiles,
): Promise<{ server?: LabServer; proc: LabProcess }> {
  if (!Array.isArray(scenario.servers)) return { proc: await startNonFtpService(lab, scenario.servers.nonFtp) };
  const server = await launchers[kind as ServerKind](lab, {
    tls,
    sweepMode: kind === 'reference',
    ...scenario.server?.(lab),
  });
  return { server, proc: server.process };
}

function keepReport(kind: string, scenario: Scenario, run: CheckRun): void {
  mkdirSync(REPORTS_DIR, { recursive: true });
  const body =
    run.report === undefined ? { exitCode: run.exitCode, stdout: run.raw.stdout, stderr: run.raw.stderr } : run.report;
  writeFileSync(join(REPORTS_DIR, `${kind}-${scenario.id}.json`), `${JSON.stringify(body, null, 2)}\n`);
}

export function scenarioSuite(kind: ServerKind | 'non-ftp'): void {
  const missing = serverMissing(kind === 'non-ftp' ? 'reference' : kind);
  const describeIfReady =
    missing === undefined
      ? labDescribe
      : (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${missing})`, fn);
  for (const topology of TOPOLOGIES) {
    const list = scenariosFor(kind, topology);
    if (list.length === 0) continue;
    describeIfReady(`${kind} scenarios, ${topology}`, () => {
      const lab = useLab({
        label: topology,
        clientNat: topology === 'client-nat',
        privateClient: topology === 'private-client',
        serverNat: topology === 'server-nat',
      });
      let tls: TlsFiles;
      beforeAll(async () => {
        tls = await makeSelfSignedCert(lab().dir, lab().target);
      });
      afterEach(async () => {
        await lab().clearRules('router');
        await lab().clearRules('client');
      });
      for (const scenario of list) {
        it(
          scenario.title,
          async () => {
            for (const { role, ruleset } of scenario.rules?.(lab()) ?? []) await lab().loadRules(role, ruleset);
            const far = await startFarSide(lab(), kind, scenario, tls);
            let run: CheckRun;
            try {
              run = await runCheck(lab(), far.server, scenario.args);
            } finally {
              await (far.server?.stop() ?? far.proc.stop());
            }
            keepReport(kind, scenario, run);
            const password = far.server?.account.password;
            if (password !== undefined) {
              expect(
                run.raw.stdout.includes(password) || run.raw.stderr.includes(password),
                `password in output\n${describeRun(run)}`,
              ).toBe(false);
            }
            const farKind = Array.isArray(scenario.servers) ? (kind as ServerKind) : scenario.servers.nonFtp;
            verifyExpectation(run, scenario.expected, farKind);
            scenario.verify?.(run, { lab: lab(), kind: farKind });
            if (RECORD) recordFixture(farKind, scenario, run);
          },
          SCENARIO_TIMEOUT_MS,
        );
      }
    });
  }
}
