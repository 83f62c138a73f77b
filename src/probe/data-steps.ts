import { portsStillListening } from '../observation/index.js';
import { calibratedBounds, runSweep } from '../sweep/index.js';
import { probeActive } from './active-probe.js';
import type { CheckContext } from './check-context.js';
import { dataModes, sampleConnectTimeout } from './data-plan.js';
import { probePassive } from './passive-probe.js';
import { serverGoneReason } from './server-liveness.js';
import { calibrationFor, refusedAdvertisedPorts } from './sweep-calibration.js';
import { attemptsSummary, sweepCounts } from './step-summaries.js';

/** The data steps: passive and active data connections, and the sweep of the passive range. */

export async function passiveStep(ctx: CheckContext): Promise<void> {
  const { run, sessions } = ctx;
  await ctx.steps.step('passive', async () => {
    const attempts = run.log.passive;
    const modes = dataModes(run, ctx.sessionTls);
    const probe = { extensions: ctx.extensions, purpose: 'probe' as const };
    for (const mode of modes) {
      for (const command of ['PASV', 'EPSV'] as const) {
        if (!(await sessions.prepareFor(mode))) break;
        attempts.push(await probePassive(run, sessions.session(), command, mode.protection, probe));
      }
    }
    // Samples repeat whichever command got a port advertised (PASV is refused on IPv6, RFC 2428 §1).
    const first = modes[0] ?? { tls: false, protection: 'clear' };
    const sampler = attempts.find((a) => a.advertised)?.command;
    const sample = {
      extensions: ctx.extensions,
      purpose: 'sample' as const,
      connectTimeoutMs: sampleConnectTimeout(run),
    };
    for (let i = 1; sampler && i < run.settings.pasvSamples && !run.signal.aborted; i++) {
      if (!(await sessions.prepareFor(first))) break;
      attempts.push(await probePassive(run, sessions.session(), sampler, first.protection, sample));
    }
    return attemptsSummary(
      attempts.filter((a) => a.purpose === 'probe'),
      ctx.sessionTls,
    );
  });
}

export async function activeStep(ctx: CheckContext): Promise<void> {
  const { run, sessions } = ctx;
  await ctx.steps.step('active', async () => {
    for (const mode of dataModes(run, ctx.sessionTls)) {
      if (!(await sessions.prepareFor(mode))) break;
      run.log.active.push(await probeActive(run, sessions.session(), mode.protection, { extensions: ctx.extensions }));
    }
    return attemptsSummary(run.log.active, ctx.sessionTls);
  });
}

export async function sweepStep(ctx: CheckContext): Promise<void> {
  const { run } = ctx;
  const { log, settings } = run;
  await ctx.steps.step('sweep', async () => {
    const known = portsStillListening(log.passive);
    const sweep = log.serverView?.sweep;
    if (sweep && known.length > 0) await releasePassiveSetup(ctx);
    const connect = log.control.connect;
    const calibration = await calibrationFor(ctx, sweep !== undefined);
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
 * transfer running (RFC 959 §4.1.3) makes the server drop that setup first. Other servers keep
 * theirs, since a port still listening is what tells a firewall's reset apart (knownListening).
 */
export async function releasePassiveSetup(ctx: CheckContext): Promise<void> {
  const channel = ctx.sessions.channel;
  if (!channel?.usable) return;
  try {
    await channel.send('ABOR', ctx.run.settings.stepTimeoutMs, ctx.run.signal);
  } catch {
    // The sweep runs either way; a port taken as data then shows as a token mismatch.
  }
}
