import { portsStillListening, type PassiveAttempt, type SweepCalibration } from '../observation/index.js';
import {
  answersOnlyCalibration,
  calibratedBounds,
  runSweep,
  type SweepOptions,
  type SweepProgress,
} from '../sweep/index.js';
import { unmapIpv4 } from '../ftp/index.js';
import { probeActive } from './active-probe.js';
import { reserveActivePorts, type ActivePortReserve } from './active-port-reserve.js';
import type { CheckContext } from './check-context.js';
import type { ControlChannel } from './control-channel.js';
import { dataModes } from './data-plan.js';
import { probePassive } from './passive-probe.js';
import { serverGoneReason } from './server-liveness.js';
import { calibrationAnswers, calibrationFor, refusedAdvertisedPorts } from './sweep-calibration.js';
import { recheckSilentPorts, sweepSilentAgain } from './sweep-recheck.js';
import { attemptsSummary, sweepCounts } from './step-summaries.js';

/** The data steps: passive and active data connections, and the sweep of the passive range. */

/**
 * The passive probes, then the samples. Where a probe's data connection went unanswered (or drew an
 * ICMP reject) and none was refused, the sweep runs between them: it judges the whole range in about
 * 2 s, less than a round of samples waiting out the data-connect deadline, and a later data
 * connection then waits on a port it found blocked only as long as it did (sweptPortDeadline). No
 * probe was refused, so the sweep's known listeners (refusedAdvertisedPorts) are none either way; the
 * samples run after its first pass, so none of their setups can take a sweep connection, and before
 * its second (sweep-recheck.ts), which a sample's transfer may make possible. Returns whether the
 * sweep ran here.
 */
export async function passiveStep(ctx: CheckContext, sweeping = false): Promise<boolean> {
  const { run, lanes } = ctx;
  let swept = false;
  await ctx.steps.step('passive', async () => {
    const attempts = run.log.passive;
    const probe = { extensions: ctx.extensions, purpose: 'probe' as const };
    const probes = dataModes(run, ctx.sessionTls).flatMap((mode) =>
      (['PASV', 'EPSV'] as const).map((command) => ({
        mode,
        probe: async (channel: ControlChannel) =>
          lanes.notePassive(channel, await probePassive(run, channel, command, mode.protection, probe)),
      })),
    );
    attempts.push(...ran(await lanes.runAll(probes)));
    // Samples repeat whichever command got a port advertised (PASV is refused on IPv6, RFC 2428 §1).
    const first = probes[0]?.mode ?? { tls: false, protection: 'clear' };
    const sampler = attempts.find((a) => a.advertised)?.command;
    const sample = { extensions: ctx.extensions, purpose: 'sample' as const };
    const samples = Array.from({ length: sampler ? Math.max(0, run.settings.pasvSamples - 1) : 0 }, () => ({
      mode: first,
      probe: async (channel: ControlChannel) =>
        lanes.notePassive(channel, await probePassive(run, channel, sampler ?? 'PASV', first.protection, sample)),
    }));
    let sampled = false;
    const runSamples = async (): Promise<void> => {
      sampled = true;
      attempts.push(...ran(await lanes.runAll(samples)));
    };
    swept = sweeping && sweepFirst(attempts);
    if (swept) await sweepStep(ctx, runSamples);
    // A sweep that failed before its first pass ended never got to them.
    if (!sampled) await runSamples();
    const result = attemptsSummary(
      attempts.filter((a) => a.purpose === 'probe'),
      ctx.sessionTls,
    );
    const after =
      swept && samples.length > 0
        ? `; ${samples.length} samples after the sweep, each waiting on a port it found blocked only as long as it did`
        : '';
    return { ...result, summary: result.summary + after };
  });
  return swept;
}

/**
 * Some probe that got a port advertised had its data connection go unanswered or ICMP-rejected, and
 * none was refused: a refused port is one the sweep must know to be listening, and the samples' own
 * refusals are evidence it would then miss.
 */
function sweepFirst(attempts: readonly PassiveAttempt[]): boolean {
  const connections = attempts
    .filter((a) => a.advertised !== undefined && a.parseError === undefined)
    .flatMap((a) => a.connections.map((c) => c.connect.state));
  return (
    connections.some((state) => state === 'no-answer' || state === 'icmp-reject') && !connections.includes('reset')
  );
}

export async function activeStep(ctx: CheckContext, reserve?: ActivePortReserve): Promise<void> {
  const { run, lanes } = ctx;
  await ctx.steps.step('active', async () => {
    const probes = dataModes(run, ctx.sessionTls).map((mode) => ({
      mode,
      probe: (channel: ControlChannel) =>
        probeActive(run, channel, mode.protection, {
          extensions: ctx.extensions,
          ...(reserve ? { reserve } : {}),
        }),
    }));
    // Each active probe listens on a port of its own in the user's range: no more at once than it holds.
    const [from, to] = run.settings.activePorts;
    const ports = from === 0 ? probes.length : to - from + 1;
    run.log.active.push(...ran(await lanes.runAll(probes, ports)));
    return attemptsSummary(run.log.active, ctx.sessionTls);
  });
}

/**
 * The active probes and the sweep, side by side where they do not compete: the sweep has sockets of
 * its own, and a stock server's kernel answers it. The cooperative sweep's thousands of connections
 * are answered by the reference server's own process, which would slow the very replies the active
 * probes time (a loaded server's 150 late past the data-connect deadline); there they run in turn.
 */
export async function activeAndSweep(ctx: CheckContext, withActive: boolean, withSweep: boolean): Promise<void> {
  const sweep = async (): Promise<void> => (withSweep ? sweepStep(ctx) : undefined);
  if (ctx.run.log.serverView?.sweep || !withActive || !withSweep) {
    if (withActive) await activeStep(ctx);
    await sweep();
    return;
  }
  const reserve = await reserveForSweep(ctx);
  try {
    await Promise.all([activeStep(ctx, reserve), sweep()]);
  } finally {
    reserve?.release();
  }
}

/** The user's active ports, bound before the sweep's connections can take them (active-port-reserve.ts). */
async function reserveForSweep(ctx: CheckContext): Promise<ActivePortReserve | undefined> {
  const { settings, log } = ctx.run;
  const local = log.control.connect?.localAddress;
  if (settings.activePorts[0] === 0 || local === undefined) return undefined;
  return reserveActivePorts(unmapIpv4(local), settings.activePorts, dataModes(ctx.run, ctx.sessionTls).length);
}

/**
 * The sweep of the passive range. `between` runs after its first pass (the samples, see passiveStep),
 * and a second pass over the ports it read as silent may follow (sweep-recheck.ts).
 */
export async function sweepStep(ctx: CheckContext, between?: () => Promise<void>): Promise<void> {
  const { run } = ctx;
  const { log, settings } = run;
  await ctx.steps.step('sweep', async () => {
    const sweep = log.serverView?.sweep;
    await releasePassiveSetups(ctx);
    // The refusals are timed beside the first pass, which starts from the answers alone; a refusal
    // slower than its deadline sends the ports it read as silent through a second pass.
    const calibrating = calibrationFor(ctx, sweep !== undefined);
    const start = sweep ? await calibrating : answersOnlyCalibration(calibrationAnswers(ctx));
    ctx.emit({ type: 'sweep-calibrated', calibration: start });
    log.sweep = await runSweep({
      ...sweepOptions(ctx, start),
      ranges: settings.ranges,
      mode: settings.sweep === 'sample' ? 'sample' : 'full',
      ...(sweep ? { token: { serverId: sweep.serverId, listening: sweep.ranges } } : {}),
    });
    log.sweep.calibration = start;
    let again = sweep
      ? undefined
      : await calibrating.then((c) =>
          sweepSilentAgain(ctx, c, (o) => sweepOptions(ctx, o), `the refusal timed beside it`),
        );
    if (between) {
      await between();
      again = (await recheckSilentPorts(ctx, (c) => sweepOptions(ctx, c))) ?? again;
    }
    const counts = sweepCounts(log.sweep);
    const gone = await checkServerGone(ctx);
    if (gone) {
      log.sweep.complete = false;
      return {
        status: 'fail',
        summary: `${gone}; the sweep's ${log.sweep.portsTested} ports (${counts}) are no evidence`,
      };
    }
    return {
      status: log.sweep.complete ? 'ok' : 'warn',
      summary: `${log.sweep.portsTested} ports in ${log.sweep.elapsedMs} ms: ${counts}${again ? `; ${again}` : ''}`,
    };
  });
}

/** What every pass of the sweep shares: the address, the deadline, what listens, progress to the views. */
function sweepOptions(ctx: CheckContext, calibration: SweepCalibration): Omit<SweepOptions, 'ranges' | 'mode'> {
  const { log, settings } = ctx.run;
  const connect = log.control.connect;
  return {
    rttBounds: calibratedBounds(calibration),
    address: ctx.run.address,
    ...(connect?.state === 'open' ? { initialRttMs: Math.max(1, connect.elapsedMs) } : {}),
    knownListening: refusedAdvertisedPorts(log, portsStillListening(log.passive)),
    ...(settings.sweepConcurrency !== undefined ? { maxConcurrency: settings.sweepConcurrency } : {}),
    signal: ctx.run.signal,
    onProgress: (p: SweepProgress) =>
      ctx.emit({ type: 'sweep-progress', done: p.done, total: p.total, counts: p.counts, runs: p.runs }),
  };
}

/** Asked once, after the sweep (or at the end without one); recorded in log.control.serverGone. */
export function checkServerGone(ctx: CheckContext): Promise<string | undefined> {
  ctx.serverGone ??= serverGoneReason(ctx.run, ctx.sessions.channel).then((gone) => {
    if (gone) ctx.run.log.control.serverGone = gone;
    return gone;
  });
  return ctx.serverGone;
}

/**
 * The reference server hands a connection from the control peer to the port its last PASV/EPSV
 * advertised to that session as data, with no token. When our own connection there failed (a
 * local EMFILE, say), the sweep's would be taken instead and look intercepted: ABOR with no
 * transfer running (RFC 959 §4.1.3) makes the server drop that setup first, on every session
 * whose last setup nobody reached. Other servers keep theirs, since a port still listening is what
 * tells a firewall's reset apart (knownListening). With the reference server the active probes are
 * over by then (activeAndSweep), so no session is in use.
 */
async function releasePassiveSetups(ctx: CheckContext): Promise<void> {
  const { run } = ctx;
  if (!run.log.serverView?.sweep) return;
  await Promise.all(
    ctx.lanes.pendingPassive.map(async (channel) => {
      try {
        await channel.send('ABOR', run.settings.stepTimeoutMs, run.signal);
      } catch {
        // The sweep runs either way; a port taken as data then shows as a token mismatch.
      }
    }),
  );
}

/** The results of the tasks that ran, in order. */
function ran<T>(results: Array<T | undefined>): T[] {
  return results.filter((r): r is T => r !== undefined);
}
