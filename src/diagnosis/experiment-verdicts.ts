import type { ObservationLog } from '../observation/index.js';
import type { Verdicts } from './finding.js';
import { BROKEN } from './transfer-size-findings.js';

/**
 * The passive channel as the transfer experiments saw it: listings may all work while a large
 * download or upload over the same passive path stalls, and then passive mode does not "work" for
 * the files a person moves — partial, so the verdict and the exit code say so.
 */
export function withTransferExperiments(channels: Verdicts, log: ObservationLog): Verdicts {
  const broken = (log.transfers?.trials ?? []).filter((t) => BROKEN.has(t.outcome));
  if (channels.passive.status !== 'ok' || broken.length === 0) return channels;
  const what = broken.map((t) => `${t.direction} of ${t.plannedBytes ?? t.transfer?.bytes ?? 0} bytes ${t.outcome}`);
  return {
    ...channels,
    passive: { status: 'partial', summary: `listings work, but the transfer experiments failed: ${what.join('; ')}` },
  };
}
