import type { TranscriptLine } from '../observation/index.js';

const MARK: Record<TranscriptLine['dir'], string> = { sent: '>', received: '<', note: '#' };

/**
 * How wide the session labels of `shown` are, or 0 when `lines` come from one control session only:
 * only parallel sessions interleave, so only then does a line show its session.
 */
export function sessionLabelWidth(lines: readonly TranscriptLine[], shown = lines): number {
  const several = new Set(lines.flatMap((l) => (l.session === undefined ? [] : [l.session]))).size > 1;
  return several ? Math.max(...shown.map((l) => `[${l.session ?? ''}]`.length)) : 0;
}

/** A line's session as a label ("[3]"), or blanks of the same width for a line of no session. */
export function sessionLabel(line: TranscriptLine, width: number): string {
  return (line.session === undefined ? '' : `[${line.session}]`).padStart(width);
}

/**
 * The transcript as text, one row per line: ms since the start, the session where several ran (their
 * lines interleave), > sent, < received, # note; at most `max` rows, then how many more the JSON has.
 */
export function transcriptRows(lines: readonly TranscriptLine[], max: number): string[] {
  const width = sessionLabelWidth(lines);
  const rows = lines
    .slice(0, max)
    .map((l) => `${String(l.t).padStart(6)} ${width > 0 ? `${sessionLabel(l, width)} ` : ''}${MARK[l.dir]} ${l.text}`);
  if (lines.length > max) rows.push(`… ${lines.length - max} more lines in the JSON report`);
  return rows;
}
