import type { SweepCalibration } from '../observation/index.js';
import { mergeSecondPass, runSweep, silentRanges, type SweepOptions } from '../sweep/index.js';
import type { CheckContext } from './check-context.js';
import { calibrationFor, closedPortFor } from './sweep-calibration.js';

/**
 * The sweep that ran between the passive probes and the samples may have no timed refusal: no probe's
 * transfer had closed a port yet, or none of the refusals timed on the one it had came back (a helper's
 * related flow, or a port not closed yet). Its deadline then came from round trips alone, and a reset
 * the path delays past it (a client OS that retries the SYN after a reset, a slow middlebox:
 * src/sweep/calibration.ts) reads as no answer, a false drop. Once a sample's transfer gives another
 * closed port, the calibration is timed again and the ports read as silent are connected to again
 * with its deadline — each one tested, none inferred — and their new results replace the old. Nothing
 * is done when the first pass already waited that long on them. Returns what it did for the step
 * summary, or undefined.
 */
export async function recheckSilentPorts(
  ctx: CheckContext,
  options: (calibration: SweepCalibration) => Omit<SweepOptions, 'ranges' | 'mode'>,
): Promise<string | undefined> {
  const first = ctx.run.log.sweep;
  if (!first || first.cooperative || first.calibration?.refusalMs !== undefined) return undefined;
  const closedPort = closedPortFor(ctx.run.log);
  if (silentRanges(first).length === 0 || closedPort === undefined || closedPort === first.calibration?.closedPort)
    return undefined;
  return sweepSilentAgain(
    ctx,
    await calibrationFor(ctx, false),
    options,
    `port ${closedPort}, closed after a sample's transfer,`,
  );
}

/**
 * The ports the sweep so far read as silent, connected to again with a calibration's deadline when it
 * is longer than any the sweep waited with; their new results replace the old (mergeSecondPass).
 * `source` names where the calibration's refusal came from, for the transcript.
 */
export async function sweepSilentAgain(
  ctx: CheckContext,
  calibration: SweepCalibration,
  options: (calibration: SweepCalibration) => Omit<SweepOptions, 'ranges' | 'mode'>,
  source: string,
): Promise<string | undefined> {
  const { log, transcript } = ctx.run;
  const first = log.sweep;
  if (!first) return undefined;
  const ranges = silentRanges(first);
  const waited = Math.max(first.timing.timeoutMs, ...(first.passes ?? []).map((p) => p.timeoutMs));
  if (ranges.length === 0 || calibration.deadlineMs <= waited) {
    log.sweep = { ...first, calibration };
    return undefined;
  }
  const silent = first.counts['no-answer'] ?? 0;
  transcript.note(
    `the sweep's first pass had no timed refusal; ${source} gives a ${calibration.deadlineMs} ms deadline: ` +
      `its ${silent} silent ports are swept again with it`,
  );
  ctx.emit({ type: 'sweep-calibrated', calibration });
  const second = await runSweep({ ...options(calibration), ranges, mode: 'full' });
  log.sweep = { ...mergeSecondPass(first, second), calibration };
  const still = log.sweep.counts['no-answer'] ?? 0;
  return `${silent} silent ports swept again with the calibrated deadline (${calibration.deadlineMs} ms): ${silent - still} answered`;
}
