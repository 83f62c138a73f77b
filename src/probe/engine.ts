import { OBSERVATION_VERSION, type ObservationLog, type ProbeEvent, type ProbeSettings } from '../observation/index.js';
import { everyAddress } from './address-check.js';
import type { CheckContext } from './check-context.js';
import { ControlSessions } from './control-sessions.js';
import { activeAndSweep, checkServerGone, passiveStep } from './data-steps.js';
import { tlsReuseStep } from './tls-reuse-probe.js';
import { askComparePlain } from './plain-consent.js';
import { controlFallbackStep, hostAnswers } from './control-fallback.js';
import { observeEnvironment } from './environment.js';
import { EventStream } from './event-stream.js';
import { everyFamily } from './family-data.js';
import { longSessionSteps } from './long-session-steps.js';
import { readLocalFirewall } from './local-firewall.js';
import type { ProbeRun } from './probe-run.js';
import { resolveTarget } from './resolve.js';
import { SessionLanes } from './session-lanes.js';
import { connectStep, openSessionSteps, sessionSteps } from './session-steps.js';
import type { ProbeOptions } from './settings.js';
import { StepRunner } from './step-runner.js';
import { Transcript } from './transcript.js';
import { identifyServerSoftware } from './server-software.js';

/** Runs the probe in the background: events as they happen, and the final log. */
export function startProbe(
  settings: ProbeSettings,
  opts: ProbeOptions = {},
): { events: AsyncIterable<ProbeEvent>; result: Promise<ObservationLog> } {
  const events = new EventStream();
  const result = runProbe(settings, { ...opts, onEvent: (e) => events.push(e) }).finally(() => events.close());
  return { events, result };
}

/**
 * Runs every step against settings.host and returns the observation log. Never throws for anything
 * the network or the server does; a stopped run (signal or deadline) returns its partial log with
 * complete=false.
 */
export async function runProbe(
  settings: ProbeSettings,
  opts: ProbeOptions & { onEvent?: (e: ProbeEvent) => void } = {},
): Promise<ObservationLog> {
  const started = performance.now();
  const controller = new AbortController();
  let abortReason: ObservationLog['abortReason'];
  const stop = (reason: NonNullable<ObservationLog['abortReason']>): void => {
    abortReason ??= reason;
    controller.abort();
  };
  const onUserAbort = (): void => stop('signal');
  if (opts.signal?.aborted) stop('signal');
  opts.signal?.addEventListener('abort', onUserAbort, { once: true });
  const deadline = setTimeout(() => stop('deadline'), settings.timeoutMs);

  const emit = (event: ProbeEvent): void => {
    try {
      opts.onEvent?.(event);
    } catch {
      // A view that throws must not break the probe; the log still records everything.
    }
  };
  const transcript = new Transcript(started, (line) => emit({ type: 'transcript', line }));
  const log: ObservationLog = {
    observationVersion: OBSERVATION_VERSION,
    startedAt: new Date().toISOString(),
    endedAt: '',
    complete: false,
    settings: { ...settings, passwordSupplied: settings.passwordSupplied || opts.password !== undefined },
    environment: { os: '', node: process.version, localAddresses: [] },
    steps: [],
    control: { implicitTls: settings.tls === 'implicit' },
    passive: [],
    active: [],
    transcript: transcript.lines,
  };
  const run: ProbeRun = {
    settings: log.settings,
    password: opts.password,
    ...(opts.confirmCertificate ? { confirmCertificate: opts.confirmCertificate } : {}),
    ...(opts.confirmComparePlain ? { confirmComparePlain: opts.confirmComparePlain } : {}),
    signal: controller.signal,
    log,
    transcript,
    address: settings.host,
  };
  emit({ type: 'run-start', at: log.startedAt, host: settings.host, port: settings.port });

  const sessions = new ControlSessions(run);
  const steps = new StepRunner(run, started, emit, () => sessions.usable);
  const lanes = new SessionLanes(run, sessions);
  const ctx: CheckContext = { run, steps, sessions, lanes, emit, sessionTls: false, extensions: false };
  let finished = false;
  try {
    finished = await executePlan(ctx);
  } catch (err) {
    transcript.note(`probe stopped by an unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    clearTimeout(deadline);
    opts.signal?.removeEventListener('abort', onUserAbort);
    sessions.closeAll();
    lanes.closeAll();
  }
  const software = identifyServerSoftware({
    greeting: log.control.greeting?.reply?.text,
    syst: log.features?.systReply?.text,
    feat: log.features?.featReply?.text,
  });
  if (software) log.serverSoftware = software;
  log.endedAt = new Date().toISOString();
  log.complete = finished && !controller.signal.aborted;
  if (abortReason) log.abortReason = abortReason;
  emit({ type: 'run-end', log });
  return log;
}

/** The step plan: every step in order, skipped with a reason where an earlier one failed. True when every step ran. */
async function executePlan(ctx: CheckContext): Promise<boolean> {
  const { run, steps } = ctx;
  const { log, settings } = run;
  log.environment = await observeEnvironment();

  const resolved = await steps.step('resolve', async () => {
    log.resolve = await resolveTarget(settings.host, settings.family, settings.stepTimeoutMs, run.signal);
    if (!log.resolve.used) return { status: 'fail', summary: log.resolve.error?.message ?? 'no address' };
    run.address = log.resolve.used;
    const all = log.resolve.addresses.map((a) => a.address).join(', ');
    return { status: 'ok', summary: `${settings.host} → ${all}; using ${run.address}` };
  });
  if (resolved === 'ok') await everyAddress(ctx);
  if (resolved !== 'ok') steps.skip(['control-connect'], 'no address to connect to');
  const controlOk = resolved === 'ok' && (await steps.step('control-connect', () => connectStep(ctx))) === 'ok';
  const unanswered = resolved === 'ok' && !controlOk && log.control.connect?.state !== 'open';
  if (unanswered) await controlFallbackStep(ctx);

  let sessionOk = false;
  if (controlOk) sessionOk = await openSessionSteps(ctx);
  else steps.skip(sessionSteps(ctx), 'no control connection');
  const sweeping = (controlOk || hostAnswers(log)) && settings.sweep !== 'off';
  let swept = false;
  if (sessionOk) {
    await askComparePlain(ctx);
    swept = await passiveStep(ctx, sweeping);
    await tlsReuseStep(ctx);
    await everyFamily(ctx);
  } else steps.skip(['passive', 'tls-reuse', 'active'], 'the control session did not get far enough');
  if (!sweeping)
    steps.skip(
      ['sweep'],
      settings.sweep === 'off' ? 'sweep turned off' : 'no control connection to time the sweep from',
    );
  await activeAndSweep(ctx, sessionOk, sweeping && !swept);
  if (sessionOk) {
    await ctx.lanes.release();
    await longSessionSteps(ctx);
  }
  if (controlOk) await checkServerGone(ctx);
  await steps.step('local-firewall', async () => {
    log.localFirewall = await readLocalFirewall(settings.stepTimeoutMs, run.signal);
    const { readable, source, ruleset, reason } = log.localFirewall;
    return readable
      ? { status: 'ok', summary: `read with ${source} (${ruleset?.length ?? 0} characters)` }
      : { status: 'skipped', summary: reason ?? 'not readable' };
  });
  await Promise.all([ctx.sessions.quit(), ctx.lanes.quit()]);
  return !run.signal.aborted && log.steps.every((s) => s.status !== 'aborted');
}
