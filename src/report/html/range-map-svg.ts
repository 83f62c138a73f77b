import { isBlockingState } from '../../diagnosis/index.js';
import type { PortRun, PortState } from '../../observation/index.js';
import { CELL_LOOK, addRuns, cellState, createRangeMap } from '../../views/index.js';
import type { ReportSweep } from '../report-type.js';
import { escapeHtml } from './escape.js';

/**
 * The passive range as an SVG map: one cell per few ports (at most ~700 cells), each coloured and
 * marked by the most alarming state among its ports, and every blocked stretch outlined, numbered
 * and listed with its exact boundaries, so the map reads without colour and the numbers are exact.
 */

const MAX_CELLS = 768;
const PER_ROW = 64;
const CELL = 12;
const LABEL_W = 52;
const LIST_LINE = 16;
const MAX_LISTED = 40;

export const CELL_FILL: Record<PortState | 'untested', string> = {
  open: '#2e7d32',
  refused: '#b0bec5',
  'no-answer': '#c62828',
  'icmp-reject': '#ad1457',
  'blocked-reset': '#e65100',
  'token-mismatch': '#6a1b9a',
  'local-error': '#f9a825',
  untested: '#e0e0e0',
};

/** Consecutive blocking runs (a drop next to an ICMP reject is one rule seen through the ICMP rate limit). */
export interface BlockedStretch {
  from: number;
  to: number;
  states: PortState[];
}

export function blockedStretches(runs: readonly PortRun[]): BlockedStretch[] {
  const out: BlockedStretch[] = [];
  for (const r of runs) {
    if (!isBlockingState(r.state)) continue;
    const last = out[out.length - 1];
    if (last && last.to + 1 === r.from) {
      last.to = r.to;
      if (!last.states.includes(r.state)) last.states.push(r.state);
    } else out.push({ from: r.from, to: r.to, states: [r.state] });
  }
  return out;
}

const span = (from: number, to: number): string => (from === to ? `${from}` : `${from}–${to}`);

/** `runs` as the diagnosis read them (see sweepAsDiagnosed), which may differ from the raw sweep.runs. */
export function rangeMapSvg(
  sweep: ReportSweep,
  runs: readonly PortRun[] = sweep.runs,
): { svg: string; portsPerCell: number } {
  const map = addRuns(createRangeMap(sweep.ranges, MAX_CELLS), runs);
  const { cells, portsPerCell: perCell } = map;
  const rows = Math.ceil(cells.length / PER_ROW);
  const stretches = blockedStretches(runs);
  const listed = stretches.slice(0, MAX_LISTED);
  const gridH = rows * CELL;
  const height = gridH + 8 + (listed.length + (stretches.length > MAX_LISTED ? 1 : 0)) * LIST_LINE + 4;
  const width = LABEL_W + PER_ROW * CELL + 4;
  const parts: string[] = [];
  cells.forEach((cell, i) => {
    const x = LABEL_W + (i % PER_ROW) * CELL;
    const y = Math.floor(i / PER_ROW) * CELL;
    if (i % PER_ROW === 0)
      parts.push(
        `<text class="row-label" x="${LABEL_W - 6}" y="${y + CELL - 2}" text-anchor="end">${cell.from}</text>`,
      );
    const state = cellState(cell);
    const look = CELL_LOOK[state];
    parts.push(
      `<rect class="cell" data-state="${state}" x="${x}" y="${y}" width="${CELL - 1}" height="${CELL - 1}" fill="${CELL_FILL[state]}"><title>${escapeHtml(`${span(cell.from, cell.to)}: ${look.label}`)}</title></rect>`,
    );
    if (state !== 'open' && state !== 'refused' && state !== 'untested')
      parts.push(
        `<text class="cell-mark" x="${x + (CELL - 1) / 2}" y="${y + CELL - 3}" text-anchor="middle">${escapeHtml(look.symbol)}</text>`,
      );
  });
  listed.forEach((s, n) => {
    const covered = cells
      .map((c, i) => [c, i] as const)
      .filter(([c]) => c.to >= s.from && c.from <= s.to)
      .map(([, i]) => i);
    const outline = covered
      .map(
        (i) =>
          `<rect class="run-outline" x="${LABEL_W + (i % PER_ROW) * CELL - 0.5}" y="${Math.floor(i / PER_ROW) * CELL - 0.5}" width="${CELL}" height="${CELL}"/>`,
      )
      .join('');
    const first = covered[0] ?? 0;
    const words = s.states.map((st) => CELL_LOOK[st].label).join(' + ');
    const ly = gridH + 8 + n * LIST_LINE + 12;
    parts.push(
      `<g class="blocked-run" data-from="${s.from}" data-to="${s.to}" data-states="${s.states.join(' ')}">${outline}` +
        `<text class="run-number" x="${LABEL_W + (first % PER_ROW) * CELL + 1}" y="${Math.floor(first / PER_ROW) * CELL + 9}">${n + 1}</text>` +
        `<text class="run-label" x="${LABEL_W}" y="${ly}">${n + 1}. ${escapeHtml(span(s.from, s.to))} blocked (${s.to - s.from + 1} ports: ${escapeHtml(words)})</text></g>`,
    );
  });
  if (stretches.length > MAX_LISTED)
    parts.push(
      `<text class="run-label" x="${LABEL_W}" y="${gridH + 8 + listed.length * LIST_LINE + 12}">… ${stretches.length - MAX_LISTED} more blocked stretches in the JSON report</text>`,
    );
  const title = `Passive range ${sweep.ranges.map(([a, b]) => span(a, b)).join(', ')}, ${perCell} port${perCell === 1 ? '' : 's'} per cell; ${stretches.length} blocked stretch${stretches.length === 1 ? '' : 'es'}`;
  const svg = `<svg class="range-map" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" data-ports-per-cell="${perCell}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
  return { svg, portsPerCell: perCell };
}
