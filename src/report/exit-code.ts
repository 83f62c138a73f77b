import type { Diagnosis } from '../diagnosis/index.js';

/**
 * The exit codes of ftpdoctor, the one list: `--help`, the README table and every `return` of the
 * CLI use these names, so they cannot drift apart.
 */
export const EXIT = {
  ok: 0,
  problems: 1,
  usage: 2,
  couldNotRun: 3,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_MEANINGS: ReadonlyArray<{ code: ExitCode; meaning: string }> = [
  { code: EXIT.ok, meaning: 'every required channel works' },
  { code: EXIT.problems, meaning: 'a required channel is blocked or only partly works' },
  { code: EXIT.usage, meaning: 'usage error (unknown option, bad port or range, missing value)' },
  {
    code: EXIT.couldNotRun,
    meaning: 'the check could not run (DNS failure, local resource error, a required channel could not be tested)',
  },
  {
    code: EXIT.interrupted,
    meaning: 'interrupted (Ctrl-C, or q in the live view): the partial report is still printed and written',
  },
];

/** The exit code of a finished check: 3 when a required channel could not even be tested. */
export function exitCodeFor(diagnosis: Pick<Diagnosis, 'verdict'>): ExitCode {
  switch (diagnosis.verdict) {
    case 'ok':
      return EXIT.ok;
    case 'problems':
    case 'blocked':
      return EXIT.problems;
    case 'error':
      return EXIT.couldNotRun;
  }
}
