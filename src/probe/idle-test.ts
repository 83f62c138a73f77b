import { ProbeError, asProbeError } from '../net/index.js';
import type { IdleProbe, IdleTestObservation } from '../observation/index.js';
import type { CheckContext } from './check-context.js';
import type { ControlChannel } from './control-channel.js';
import { openControl, readGreeting, resumeSession } from './control-session.js';
import type { ProbeRun } from './probe-run.js';

/** Sessions the idle test holds at once: probe times at 1/4, 2/4, 3/4 and all of the duration. */
export const IDLE_SESSIONS = 4;

/**
 * The idle control connection test (--idle-test DURATION), after the data steps: IDLE_SESSIONS
 * sessions opened together, each left silent until its own probe time, then one NOOP. The probes
 * run in parallel, so the whole test takes DURATION, not the sum; the first session that gets no
 * answer or a reset bounds the idle limit of whatever sits on the path.
 */
export async function idleTestStep(ctx: CheckContext): Promise<void> {
  const { run } = ctx;
  const durationMs = run.settings.idleTestMs;
  if (durationMs === undefined) return;
  await ctx.steps.step('idle-test', async () => {
    const plan = Array.from({ length: IDLE_SESSIONS }, (_, i) => Math.round((durationMs * (i + 1)) / IDLE_SESSIONS));
    const probes = await Promise.all(plan.map((idle) => idleProbe(run, idle, ctx.sessionTls)));
    const test: IdleTestObservation = { durationMs, probes, ...idleBounds(probes) };
    run.log.idleTest = test;
    return idleSummary(test);
  });
}

async function idleProbe(run: ProbeRun, plannedIdleMs: number, tls: boolean): Promise<IdleProbe> {
  const probe: IdleProbe = { plannedIdleMs, outcome: 'not-opened' };
  const open = await openControl(run, run.address);
  const channel = open.channel;
  if (!channel) return probe;
  try {
    const { closedEarly } = await readGreeting(run, channel);
    if (closedEarly || (await resumeSession(run, channel, tls)) === undefined) return probe;
    const silentSince = performance.now();
    await silence(plannedIdleMs, run.signal);
    probe.idleMs = Math.round(performance.now() - silentSince);
    return await noop(run, channel, probe);
  } catch (err) {
    const e = asProbeError(err);
    if (e.code === 'E_ABORTED') probe.outcome = 'aborted';
    probe.error = { code: e.code, message: e.message };
    return probe;
  } finally {
    channel.close();
  }
}

/** The NOOP after the silence (RFC 959 §4.1.3): whatever came instead tells who ended the flow. */
async function noop(run: ProbeRun, channel: ControlChannel, probe: IdleProbe): Promise<IdleProbe> {
  const waiting = channel.usable ? undefined : channel.closedReason;
  if (waiting || !channel.usable) {
    // Something arrived or the connection ended while we were silent: a 421 or the server's close.
    try {
      probe.reply = await channel.read(run.settings.stepTimeoutMs, run.signal);
    } catch {
      // No reply queued: the close alone is the server's (or a middlebox's) doing, recorded below.
    }
    probe.outcome = waiting?.code === 'E_RESET' ? 'reset' : 'server-closed';
    if (waiting) probe.error = { code: waiting.code, message: waiting.message };
    return probe;
  }
  try {
    probe.reply = await channel.send('NOOP', run.settings.stepTimeoutMs, run.signal);
    probe.outcome = probe.reply.code === 421 ? 'server-closed' : 'answered';
  } catch (err) {
    const e = asProbeError(err);
    probe.error = { code: e.code, message: e.message };
    probe.outcome = NOOP_FAILURE[e.code] ?? 'server-closed';
  }
  return probe;
}

/** A NOOP that failed: what the error says about who ended the flow; anything else is the server's close. */
const NOOP_FAILURE: Partial<Record<string, IdleProbe['outcome']>> = {
  E_ABORTED: 'aborted',
  E_RESET: 'reset',
  E_TIMEOUT: 'no-answer',
};

function silence(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = (): void => {
      clearTimeout(timer);
      reject(new ProbeError('E_ABORTED', 'stopped during the idle test'));
    };
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** The longest silence survived and the shortest one lost: the idle limit lies between them. */
export function idleBounds(probes: IdleProbe[]): Pick<IdleTestObservation, 'survivedMs' | 'lostAfterMs'> {
  const survived = probes.filter((p) => p.outcome === 'answered').map((p) => p.idleMs ?? p.plannedIdleMs);
  const lost = probes
    .filter((p) => p.outcome === 'no-answer' || p.outcome === 'reset')
    .map((p) => p.idleMs ?? p.plannedIdleMs);
  return {
    ...(survived.length ? { survivedMs: Math.max(...survived) } : {}),
    ...(lost.length ? { lostAfterMs: Math.min(...lost) } : {}),
  };
}

function idleSummary(test: IdleTestObservation): { status: 'ok' | 'warn' | 'fail'; summary: string } {
  const each = test.probes.map((p) => `${Math.round(p.plannedIdleMs / 1000)}s ${p.outcome}`).join(', ');
  if (test.lostAfterMs !== undefined) return { status: 'warn', summary: `idle sessions lost: ${each}` };
  if (test.probes.every((p) => p.outcome === 'not-opened'))
    return { status: 'fail', summary: `no idle session opened` };
  return { status: 'ok', summary: each };
}
