import type { TransferTrial, TransfersObservation } from '../observation/index.js';

/**
 * The transfer experiments in lines every view prints the same way (text, markdown, live view):
 * one line per trial with size, outcome, throughput and time to first byte, and for an upload what
 * the server stored and whether it was removed.
 */
export function transferLines(transfers: TransfersObservation | undefined): string[] {
  if (!transfers) return [];
  const lines = transfers.trials.map(trialLine);
  for (const [direction, why] of Object.entries(transfers.skipped)) lines.push(`${direction} not run: ${why}`);
  return lines;
}

/** The heading: what counts as a stall, and where uploads went. */
export function transferHeading(transfers: TransfersObservation): string {
  const where = transfers.upload ? `; uploads to ${transfers.upload.dir}` : '; nothing uploaded';
  return `Transfers (a stall is ${transfers.stallMs} ms without progress; at most ${bytesText(transfers.maxBytes)}${where})`;
}

function trialLine(t: TransferTrial): string {
  const size = bytesText(t.plannedBytes ?? t.transfer?.bytes ?? 0);
  const parts = [`${t.direction} ${size} ${t.path}: ${t.outcome}`];
  if (t.transfer && t.outcome !== 'ok') parts.push(`${bytesText(t.transfer.bytes)} moved in ${t.transfer.totalMs} ms`);
  if (t.throughputBps !== undefined) parts.push(`${bytesText(t.throughputBps)}/s`);
  if (t.transfer?.firstByteMs !== undefined) parts.push(`first byte after ${t.transfer.firstByteMs} ms`);
  if (t.outcome === 'refused' && t.reply) parts.push(`server said ${t.reply.text.split('\n')[0]}`);
  if (t.verifiedSize !== undefined) parts.push(`server stored ${bytesText(t.verifiedSize)}`);
  if (t.removal)
    parts.push(
      t.removal.removed
        ? `removed${t.removal.reason ? ` (${t.removal.reason})` : ''}`
        : `NOT removed: ${t.removal.reason ?? 'unknown'}`,
    );
  return parts.join(', ');
}

export function bytesText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${+(bytes / 1024 / 1024).toFixed(1)} MB`;
}
