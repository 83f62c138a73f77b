import type { SweepCalibration } from '../observation/index.js';
import { mergeSecondPass, runSweep, silentRanges, type SweepOptions } from '../sweep/index.js';
import type { CheckContext } from './check-context.js';
import { calibrationFor } from './sweep-calibration.js';

/**
 * The sweep that ran before any passive transfer was done has no timed refusal: its deadline came
 * from round trips alone, and a reset the path delays past it (a client OS that retries the SYN
 * after a reset, a slow middlebox: src/sweep/calibration.ts) reads as no answer, a false drop. Once a
 * sample's transfer gives the closed port the calibration needs, the ports read as silent are
 * connected to again with the calibrated deadline — each one tested, none inferred — and their new
 * results replace the old. Nothing is done when the first pass already waited that long on them.
 * Returns what it did for the step summary, or undefined.
 */
export async function recheckSilentPorts(
  ctx: CheckContext,
  options: (calibration: SweepCalibration) => Omit<SweepOptions, 'ranges' | 'mode'>,
): Promise<string | undefined> {
  const { log, transcript } = ctx.run;
  const first = log.sweep;
  if (!first || first.cooperative || first.calibration?.closedPort !== undefined) return undefined;
  const ranges = silentRanges(first);
  if (ranges.length === 0) return undefined;
  const calibration = await calibrationFor(ctx, false);
  if (calibration.closedPort === undefined) return undefined;
  const waited = Math.max(first.timing.timeoutMs, ...(first.passes ?? []).map((p) => p.timeoutMs));
  if (calibration.deadlineMs <= waited) return undefined;
  const silent = first.counts['no-answer'] ?? 0;
  transcript.note(
    `the sweep ran before any passive transfer, without a timed refusal; port ${calibration.closedPort} ` +
      `now gives one: its ${silent} silent ports are swept again with a ${calibration.deadlineMs} ms deadline`,
  );
  const second = await runSweep({ ...options(calibration), ranges, mode: 'full' });
  log.sweep = { ...mergeSecondPass(first, second), calibration };
  const still = log.sweep.counts['no-answer'] ?? 0;
  return `${silent} silent ports swept again with the deadline calibrated after a sample's transfer (${calibration.deadlineMs} ms): ${silent - still} answered`;
}
