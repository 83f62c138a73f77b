import { portsStillListening, type PassiveAttempt } from '../observation/index.js';
import { calibratedBounds, runSweep } from '../sweep/index.js';
import { probeActive } from './active-probe.js';
import type { CheckContext } from './check-context.js';
import type { ControlChannel } from './control-channel.js';
import { dataModes } from './data-plan.js';
import { probePassive } from './passive-probe.js';
import { serverGoneReason } from './server-liveness.js';
import { calibrationFor, refusedAdvertisedPorts } from './sweep-calibration.js';
import { attemptsSummary, sweepCounts } from './step-summaries.js';

/** The data steps: passive and active data connections, and the sweep of the passive range. */

/**
 * The passive probes, then the samples. Where every probe's data connection went unanswered (or drew
 * an ICMP reject) the sweep runs between them (`sweeping`): it judges the whole range in about 2 s,
 * less than two rounds of samples waiting out the data-connect deadline, and the samples then wait on
 * a port it found blocked only as long as it did. No probe was refused, so the sweep's known
 * listeners (refusedAdvertisedPorts) are none either way; the samples come after it, so none of their
 * setups can take a sweep connection. Returns whether the sweep ran here.
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
    // Early only against the reference server's sweep listeners: every port there listens, so the sweep
    // needs no refusal time. Elsewhere its calibration needs a port a passive transfer used and the
    // server closed (sweep-calibration.ts); with none answered there is none, and resets delayed past
    // an uncalibrated deadline would read as drops. The samples first may reach one.
    swept = sweeping && noneAnswered(attempts) && run.log.serverView?.sweep !== undefined;
    if (swept) await sweepStep(ctx);
    // Samples repeat whichever command got a port advertised (PASV is refused on IPv6, RFC 2428 §1).
    const first = probes[0]?.mode ?? { tls: false, protection: 'clear' };
    const sampler = attempts.find((a) => a.advertised)?.command;
    const sample = { extensions: ctx.extensions, purpose: 'sample' as const, afterSweep: swept };
    const samples = Array.from({ length: sampler ? Math.max(0, run.settings.pasvSamples - 1) : 0 }, () => ({
      mode: first,
      probe: async (channel: ControlChannel) =>
        lanes.notePassive(channel, await probePassive(run, channel, sampler ?? 'PASV', first.protection, sample)),
    }));
    attempts.push(...ran(await lanes.runAll(samples)));
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

/** Every probe that got a port advertised had its data connection go unanswered or ICMP-rejected. */
function noneAnswered(attempts: readonly PassiveAttempt[]): boolean {
  const advertised = attempts.filter((a) => a.advertised !== undefined && a.parseError === undefined);
  return (
    advertised.length > 0 &&
    advertised.every(
      (a) =>
        a.connections.length > 0 &&
        a.connections.every((c) => c.connect.state === 'no-answer' || c.connect.state === 'icmp-reject'),
    )
  );
}

export async function activeStep(ctx: CheckContext): Promise<void> {
  const { run, lanes } = ctx;
  await ctx.steps.step('active', async () => {
    const probes = dataModes(run, ctx.sessionTls).map((mode) => ({
      mode,
      probe: (channel: ControlChannel) => probeActive(run, channel, mode.protection, { extensions: ctx.extensions }),
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
  const active = async (): Promise<void> => (withActive ? activeStep(ctx) : undefined);
  const sweep = async (): Promise<void> => (withSweep ? sweepStep(ctx) : undefined);
  if (ctx.run.log.serverView?.sweep) {
    await active();
    await sweep();
  } else await Promise.all([active(), sweep()]);
}

export async function sweepStep(ctx: CheckContext): Promise<void> {
  const { run } = ctx;
  const { log, settings } = run;
  await ctx.steps.step('sweep', async () => {
    const known = portsStillListening(log.passive);
    const sweep = log.serverView?.sweep;
    await releasePassiveSetups(ctx);
    const connect = log.control.connect;
    const calibration = await calibrationFor(ctx, sweep !== undefined);
    ctx.emit({ type: 'sweep-calibrated', calibration });
    log.sweep = await runSweep({
      rttBounds: calibratedBounds(calibration),
      address: run.address,
      ranges: settings.ranges,
      mode: settings.sweep === 'sample' ? 'sample' : 'full',
      ...(sweep ? { token: { serverId: sweep.serverId, listening: sweep.ranges } } : {}),
      ...(connect?.state === 'open' ? { initialRttMs: Math.max(1, connect.elapsedMs) } : {}),
      knownListening: refusedAdvertisedPorts(log, known),
      ...(settings.sweepConcurrency !== undefined ? { maxConcurrency: settings.sweepConcurrency } : {}),
      signal: run.signal,
      onProgress: (p) =>
        ctx.emit({ type: 'sweep-progress', done: p.done, total: p.total, counts: p.counts, runs: p.runs }),
    });
    log.sweep.calibration = calibration;
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
      summary: `${log.sweep.portsTested} ports in ${log.sweep.elapsedMs} ms: ${counts}`,
    };
  });
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
