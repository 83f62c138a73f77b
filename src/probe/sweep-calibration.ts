import { portsStillListening, type ObservationLog, type SweepCalibration } from '../observation/index.js';
import { calibrateSweep } from '../sweep/index.js';
import type { CheckContext } from './check-context.js';

/**
 * The sweep's calibration from what this run already knows: answers are the connects to the swept
 * address that were answered (control, the address check, passive data); the closed port is one a
 * passive transfer used and the server closed after it (the sweep's reference point for "closed").
 * Against the reference server in sweep mode every port listens, so only the answers count.
 */
export function calibrationFor(ctx: CheckContext, cooperative: boolean): Promise<SweepCalibration> {
  const closedPort = cooperative ? undefined : closedPortFor(ctx.run.log);
  return calibrateSweep({
    address: ctx.run.address,
    ...(closedPort === undefined ? {} : { closedPort }),
    answerSamplesMs: calibrationAnswers(ctx),
    signal: ctx.run.signal,
  });
}

/** The connect times to the swept address this run already has, answered. */
export function calibrationAnswers(ctx: CheckContext): number[] {
  const { log, address } = ctx.run;
  const answers: number[] = [];
  if (log.control.connect?.state === 'open') answers.push(log.control.connect.elapsedMs);
  for (const c of log.addresses?.checks ?? [])
    if (c.address === address && c.connect.state === 'open') answers.push(c.connect.elapsedMs);
  for (const a of log.passive)
    for (const c of a.connections)
      if (c.connect.state === 'open' && c.connect.address === address) answers.push(c.connect.elapsedMs);
  return answers;
}

/** The latest port a passive transfer used and the server closed after it, if any. */
export function closedPortFor(log: ObservationLog): number | undefined {
  const listening = new Set(portsStillListening(log.passive));
  return log.passive
    .filter((a) => a.outcome === 'ok' && a.advertised && !listening.has(a.advertised.port))
    .map((a) => a.advertised!.port)
    .at(-1);
}

/**
 * The advertised ports a reset in the sweep proves a firewall on: those whose own data connection
 * was refused. A port whose data connection only timed out (a SYN lost on a lossy path, a reset
 * delayed past the deadline) may have been closed by the server since (vsftpd closes a passive
 * listener at the next PASV), so a reset from it in the sweep is the server's, not a firewall's;
 * if the path drops it, the sweep sees no answer there either way.
 */
export function refusedAdvertisedPorts(log: ObservationLog, known: readonly number[]): number[] {
  const refused = new Set(
    log.passive
      .filter((a) => a.advertised && a.connections.some((c) => c.connect.state === 'reset'))
      .map((a) => a.advertised!.port),
  );
  return known.filter((p) => refused.has(p));
}
