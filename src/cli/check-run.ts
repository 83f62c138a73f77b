import { type Diagnosis, diagnose } from '../diagnosis/index.js';
import type { ObservationLog } from '../observation/index.js';
import { startProbe } from '../probe/index.js';
import {
  EXIT,
  type Report,
  buildReport,
  exitCodeFor,
  renderHtml,
  renderMarkdown,
  renderText,
  reportJson,
  scrubSecrets,
  writeFileAtomic,
} from '../report/index.js';
import type { LiveView } from '../ui/index.js';
import { chooseView, type CheckPlan } from './check-plan.js';
import { PromptCancelled, promptPassword } from './password-prompt.js';
import { INITIAL_PROGRESS, progressLines } from './progress-lines.js';
import { UsageError } from './usage-error.js';

export interface CheckIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  /** The command line as typed (the report redacts secrets). */
  argv: string[];
  version: string;
}

/** After a stop request the engine gets this long to hand back its log before we use the last snapshot. */
const STOP_GRACE_MS = 800;

export interface CheckOutcome {
  exitCode: number;
  /** Absent when the check never started (the password prompt was cancelled). */
  diagnosis?: Diagnosis;
  report?: Report;
}

/**
 * Runs one check: password, engine, the chosen view, diagnosis, report, exit code.
 * Ctrl-C, SIGTERM and the q key stop the engine; the partial report is still shown and written.
 */
export async function runCheck(plan: CheckPlan, io: CheckIo): Promise<CheckOutcome> {
  let password: string | undefined;
  try {
    password = await passwordFor(plan, io);
  } catch (err) {
    if (err instanceof PromptCancelled) return { exitCode: EXIT.interrupted };
    throw err;
  }
  const controller = new AbortController();
  let interrupted = false;
  let lastLog: ObservationLog | undefined;
  let view: LiveView | undefined;
  const stop = (reason: string): void => {
    if (interrupted) return;
    interrupted = true;
    view?.stopping(reason);
    if (!view) io.stderr.write(`${reason}\n`);
    controller.abort(new Error(reason));
  };
  const onSignal = (signal: NodeJS.Signals): void => stop(`stopping: ${signal === 'SIGINT' ? 'Ctrl-C' : signal}`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const mode = chooseView(plan, { stdoutIsTTY: io.stdout.isTTY, env: io.env });
    if (mode === 'live') {
      // Loaded only for the live view: Ink and React are most of the start-up time of every other command.
      const { startLiveView } = await import('../ui/index.js');
      view = startLiveView({
        settings: plan.settings,
        colour: plan.color,
        stdout: io.stdout,
        stdin: io.stdin,
        diagnose: (log) => diagnose(log, { require: plan.require }),
        onQuit: (key) => stop(key === 'q' ? 'stopping: q pressed' : 'stopping: Ctrl-C'),
      });
    }
    const probe = startProbe(plan.settings, {
      signal: controller.signal,
      ...(password !== undefined ? { password } : {}),
      // Only the live view has someone to ask (an untrusted certificate, the plain-text comparison).
      ...(view ? { confirmCertificate: view.confirmCertificate, confirmComparePlain: view.confirmComparePlain } : {}),
    });
    let progress = INITIAL_PROGRESS;
    const consumed: Promise<void> = (async () => {
      for await (const raw of probe.events) {
        // A server may echo the password in a reply: no view (terminal, progress lines) shows it.
        const event = password === undefined ? raw : scrubSecrets(raw, [password]);
        if (event.type === 'step-end' || event.type === 'run-end') lastLog = event.log;
        if (view) view.onEvent(event);
        else {
          const r = progressLines(event, progress);
          progress = r.state;
          for (const line of r.lines) io.stderr.write(`${line}\n`);
        }
      }
    })();
    // A failing view must not cost the report: the result is still diagnosed, printed and written.
    const viewDone = consumed.catch(() => undefined);
    const log = await resultOrSnapshot(probe.result, controller.signal, () => lastLog);
    await within(viewDone, STOP_GRACE_MS);
    const finalLog: ObservationLog =
      interrupted && log.complete ? { ...log, complete: false, abortReason: 'signal' } : log;
    return await finish(plan, io, finalLog, { interrupted, view, password });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function finish(
  plan: CheckPlan,
  io: CheckIo,
  log: ObservationLog,
  run: { interrupted: boolean; view: LiveView | undefined; password: string | undefined },
): Promise<CheckOutcome> {
  const { interrupted, view } = run;
  const diagnosis = diagnose(log, { require: plan.require });
  const report = buildReport(log, diagnosis, {
    argv: io.argv,
    version: io.version,
    ...(run.password ? { secrets: [run.password] } : {}),
  });
  const notices: string[] = [];
  let written = true;
  const files: Array<[string | undefined, string, () => string]> = [
    [plan.output, 'report', () => reportJson(report)],
    [plan.html, 'HTML report', () => renderHtml(report)],
  ];
  for (const [path, what, render] of files) {
    if (path === undefined) continue;
    try {
      await writeFileAtomic(path, render());
      notices.push(`${what[0]!.toUpperCase()}${what.slice(1)} written to ${path}`);
    } catch (err) {
      written = false;
      notices.push(
        `error: the ${what} could not be written to ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }
  if (view) await view.finish(diagnosis, notices, report.clients);
  else {
    io.stdout.write(
      plan.format === 'json'
        ? reportJson(report)
        : plan.format === 'markdown'
          ? renderMarkdown(report)
          : renderText(report),
    );
    for (const n of notices) io.stderr.write(`${n}\n`);
  }
  const exitCode = interrupted ? EXIT.interrupted : !written ? EXIT.couldNotRun : exitCodeFor(diagnosis);
  return { exitCode, diagnosis, report };
}

/**
 * The engine's own log; or, when it has not come back STOP_GRACE_MS after a stop, the last
 * step-end snapshot marked incomplete, so that a stop always ends within a second.
 */
async function resultOrSnapshot(
  result: Promise<ObservationLog>,
  signal: AbortSignal,
  snapshot: () => ObservationLog | undefined,
): Promise<ObservationLog> {
  if (!signal.aborted)
    await Promise.race([result, new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))]);
  if (!signal.aborted) return result;
  const returned = await within(result, STOP_GRACE_MS);
  const last = returned ?? snapshot();
  if (!last) return result;
  return returned ?? { ...last, endedAt: new Date().toISOString(), complete: false, abortReason: 'signal' };
}

/** The promise's value, or undefined when it takes longer than ms; the timer never outlives the wait. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function passwordFor(plan: CheckPlan, io: CheckIo): Promise<string | undefined> {
  const source = plan.password;
  if (source.from === 'none') return undefined;
  if (source.from === 'env') {
    const value = io.env[source.variable];
    if (value === undefined)
      throw new UsageError(`--password-env: the environment variable ${source.variable} is not set`);
    return value;
  }
  const { user, host } = plan.settings;
  return promptPassword(`Password for ${user}@${host}: `, { stdin: io.stdin, stderr: io.stderr });
}
