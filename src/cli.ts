#!/usr/bin/env node
import type { ProbeSettings } from './observation/index.js';
import { defaultSettings } from './probe/index.js';
import { EXIT } from './report/index.js';
import { registerServe } from './cli/serve.js';
import { explainCode, explainList } from './cli/explain.js';
import { runProgram } from './cli/program.js';
import { dirname } from 'node:path';
import { isSea } from 'node:sea';
import { runCheck, type CheckIo } from './cli/check-run.js';
import { startWithoutArguments } from './cli/interactive-start.js';
import { runSelftest } from './cli/selftest-run.js';
import { packageVersion } from './cli/version.js';

/** Lingering sockets must not keep a finished run alive. */
const EXIT_GRACE_MS = 1000;

/** The engine's defaults, with TLS tried when offered: `check HOST` alone tests every channel. */
function cliDefaults(host: string): ProbeSettings {
  return { ...defaultSettings(host), tls: 'auto' };
}

async function main(): Promise<number> {
  const version = packageVersion();
  const io: CheckIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    argv: process.argv.slice(2),
    version,
  };
  if (io.argv.length === 0) {
    // The single executable's folder is where a double-clicking customer looks for the report.
    return startWithoutArguments(io, {
      defaultSettings: cliDefaults,
      reportFolder: isSea() ? dirname(process.execPath) : process.cwd(),
    });
  }
  return runProgram(process.argv.slice(2), {
    version,
    env: process.env,
    defaultSettings: cliDefaults,
    check: (plan) => runCheck(plan, io).then((o) => o.exitCode),
    selftest: (flags) => runSelftest(flags, io),
    explain: (code, flags) => {
      process.stdout.write(flags.list ? explainList() : explainCode(code ?? ''));
      return 0;
    },
    registerMore: registerServe,
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
  });
}

main().then(
  (code) => {
    process.exitCode = code === 0 ? (process.exitCode ?? 0) : code;
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  },
  // An internal error is reported in one line like every other failure (the stack on request).
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `error: ftpdoctor failed: ${message}${process.env.FTPDOCTOR_DEBUG ? `\n${(err as Error).stack ?? ''}` : ''}\n`,
    );
    process.exitCode = EXIT.couldNotRun;
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  },
);
