import { asProbeError } from '../net/index.js';
import type { ParallelObservation, Protection, SessionRefusal } from '../observation/index.js';
import type { CheckContext } from './check-context.js';
import type { ControlChannel } from './control-channel.js';
import { openControl, readGreeting, resumeSession } from './control-session.js';
import { probePassive } from './passive-probe.js';
import type { ProbeRun } from './probe-run.js';
import type { StepResult } from './step-runner.js';

/** The most extra sessions --parallel opens: a diagnosis, not a load test. */
export const MAX_PARALLEL = 20;

interface OpenSession {
  channel: ControlChannel;
  protection: Protection;
}

/**
 * --parallel N, after the transfer experiments: up to N extra sessions opened one after another
 * while the earlier ones stay open — politely, stopping at the first the server refuses (a 421 at
 * connect, a refused login) — then a PASV/EPSV + LIST on every open session at the same moment.
 * The sessions are closed at the end of the step.
 */
export async function parallelStep(ctx: CheckContext): Promise<void> {
  const { run } = ctx;
  const requested = run.settings.parallel;
  if (requested === undefined) return;
  await ctx.steps.step('parallel', async () => {
    const command = run.log.passive.find((a) => a.outcome === 'ok')?.command;
    if (!command)
      return { status: 'skipped', summary: 'no passive transfer worked, so many at once would fail the same way' };
    const open: OpenSession[] = [];
    const ownSessions = (ctx.sessions.usable ? 1 : 0) + ctx.lanes.openSessions;
    const log: ParallelObservation = { requested, command, opened: 0, ownSessions, attempts: [], reusedPorts: [] };
    run.log.parallel = log;
    try {
      for (let session = 1; session <= requested && !run.signal.aborted; session++) {
        const opened = await openSession(run, ctx.sessionTls, session);
        if ('refusal' in opened) {
          log.refusal = opened.refusal;
          break;
        }
        open.push(opened);
      }
      log.opened = open.length;
      log.attempts = await Promise.all(
        open.map(({ channel, protection }) =>
          probePassive(run, channel, command, protection, { extensions: false, purpose: 'probe' }),
        ),
      );
      log.reusedPorts = reused(log.attempts.flatMap((a) => (a.advertised ? [a.advertised.port] : [])));
    } finally {
      for (const { channel } of open) channel.close();
    }
    return parallelSummary(log);
  });
}

async function openSession(
  run: ProbeRun,
  tls: boolean,
  session: number,
): Promise<OpenSession | { refusal: SessionRefusal }> {
  const opened = await openControl(run, run.address);
  const channel = opened.channel;
  if (!channel) {
    const c = opened.connect;
    const message = `connect ${c.state}${c.errno ? ` (${c.errno})` : ''} after ${c.elapsedMs} ms`;
    return { refusal: { session, stage: 'connect', error: { code: 'E_CONNECT', message } } };
  }
  try {
    const { greeting, closedEarly } = await readGreeting(run, channel);
    if (closedEarly || greeting.kind !== 'ftp') {
      const refusal: SessionRefusal = { session, stage: 'greeting' };
      if (greeting.reply) refusal.reply = greeting.reply;
      if (closedEarly) refusal.error = { code: closedEarly.code, message: closedEarly.message };
      channel.close();
      return { refusal };
    }
    const protection = await resumeSession(run, channel, tls);
    if (protection !== undefined) return { channel, protection };
    const reason = channel.closedReason;
    channel.close();
    return {
      refusal: {
        session,
        stage: 'login',
        error: {
          code: reason?.code ?? 'E_LOGIN',
          message: reason?.message ?? 'the login or session setup was refused (see the transcript)',
        },
      },
    };
  } catch (err) {
    channel.close();
    const e = asProbeError(err);
    return { refusal: { session, stage: 'login', error: { code: e.code, message: e.message } } };
  }
}

function reused(ports: number[]): number[] {
  return [...new Set(ports.filter((p, i) => ports.indexOf(p) !== i))].sort((a, b) => a - b);
}

function parallelSummary(log: ParallelObservation): StepResult {
  const ok = log.attempts.filter((a) => a.outcome === 'ok').length;
  const parts = [
    `${log.opened} of ${log.requested} extra sessions opened`,
    `${ok} of ${log.attempts.length} listings at once worked`,
  ];
  if (log.refusal)
    parts.push(
      `session ${log.refusal.session} refused at ${log.refusal.stage}${log.refusal.reply ? ` (${log.refusal.reply.code})` : ''}`,
    );
  if (log.reusedPorts.length) parts.push(`passive ports handed out twice: ${log.reusedPorts.join(', ')}`);
  const clean = !log.refusal && ok === log.attempts.length && log.reusedPorts.length === 0;
  return { status: clean ? 'ok' : 'warn', summary: parts.join('; ') };
}
