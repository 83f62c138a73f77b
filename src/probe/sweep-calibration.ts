import { portsStillListening, type SweepCalibration } from '../observation/index.js';
import { calibrateSweep } from '../sweep/index.js';
import type { CheckContext } from './check-context.js';

/**
 * The sweep's calibration from what this run already knows: answers are the connects to the swept
 * address that were answered (control, the address check, passive data); the closed port is one a
 * passive transfer used and the server closed after it (the sweep's reference point for "closed").
 * Against the reference server in sweep mode every port listens, so only the answers count.
 */
export function calibrationFor(ctx: CheckContext, cooperative: boolean): Promise<SweepCalibration> {
  const { log } = ctx.run;
  const address = ctx.run.address;
  const answers: number[] = [];
  if (log.control.connect?.state === 'open') answers.push(log.control.connect.elapsedMs);
  for (const c of log.addresses?.checks ?? [])
    if (c.address === address && c.connect.state === 'open') answers.push(c.connect.elapsedMs);
  for (const a of log.passive)
    for (const c of a.connections)
      if (c.connect.state === 'open' && c.connect.address === address) answers.push(c.connect.elapsedMs);
  const listening = new Set(portsStillListening(log.passive));
  const closedPort = cooperative
    ? undefined
    : log.passive
        .filter((a) => a.outcome === 'ok' && a.advertised && !listening.has(a.advertised.port))
        .map((a) => a.advertised!.port)
        .at(-1);
  return calibrateSweep({
    address,
    ...(closedPort === undefined ? {} : { closedPort }),
    answerSamplesMs: answers,
    signal: ctx.run.signal,
  });
}
