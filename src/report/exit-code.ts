import type { Diagnosis } from '../diagnosis/finding.js';

/**
 * The documented exit codes of `ftpdoctor check` (README, issue 5):
 *   0  every required channel works
 *   1  a required channel is blocked or only partly works
 *   2  usage error (the CLI's, before any check)
 *   3  the check itself could not run: DNS failure, a local resource error, or a required channel
 *      that could not be tested (login refused, interrupted before it)
 *   130 interrupted (the CLI's)
 */
export type CheckExitCode = 0 | 1 | 3;

export function exitCodeFor(diagnosis: Pick<Diagnosis, 'verdict'>): CheckExitCode {
  switch (diagnosis.verdict) {
    case 'ok':
      return 0;
    case 'problems':
    case 'blocked':
      return 1;
    case 'error':
      return 3;
  }
}
