import type { PortRun, PortState } from '../observation/index.js';

/**
 * The live map of the passive range: the ports grouped into cells (32 ports per cell for the
 * 5,536-port default), each cell counting the states its ports got so far. Pure and immutable:
 * every update returns a new map, so views can compare by reference.
 */
export interface RangeMapCell {
  from: number;
  to: number;
  counts: Partial<Record<PortState, number>>;
}

export interface RangeMap {
  ranges: Array<[number, number]>;
  /** Ports in the ranges (a sample sweep tests only some of them). */
  ports: number;
  portsPerCell: number;
  cells: RangeMapCell[];
}

/** What a cell shows: the state that matters most among its ports, or untested. */
export type CellState = PortState | 'untested';

/** Most alarming first: a cell with a single blocked port shows as blocked, so no rule hides in a cell. */
export const STATE_PRIORITY: readonly PortState[] = [
  'blocked-reset',
  'no-answer',
  'icmp-reject',
  'token-mismatch',
  'local-error',
  'refused',
  'open',
];

/** Cells per row at 80 columns: a 6-character port label, a space, 64 cells. */
export const CELLS_PER_ROW = 64;
const MAX_CELLS = 3 * CELLS_PER_ROW;

export function createRangeMap(ranges: Array<[number, number]>, maxCells = MAX_CELLS): RangeMap {
  const total = ranges.reduce((n, [from, to]) => n + to - from + 1, 0);
  // Powers of two keep cell edges on round offsets; 5,536 ports → 32 per cell → 173 cells (3 rows).
  let portsPerCell = 1;
  while (Math.ceil(total / portsPerCell) > maxCells) portsPerCell *= 2;
  const cells: RangeMapCell[] = [];
  for (const [from, to] of ranges) {
    for (let start = from; start <= to; start += portsPerCell) {
      cells.push({ from: start, to: Math.min(to, start + portsPerCell - 1), counts: {} });
    }
  }
  return { ranges, ports: total, portsPerCell, cells };
}

/** Adds classified ports; cells are sorted and disjoint, so a binary search finds the first one touched. */
export function addRuns(map: RangeMap, runs: readonly PortRun[]): RangeMap {
  if (runs.length === 0) return map;
  const cells = map.cells.slice();
  for (const run of runs) {
    for (let i = firstCellAtOrAfter(cells, run.from); i < cells.length && cells[i]!.from <= run.to; i += 1) {
      const cell = cells[i]!;
      const overlap = Math.min(cell.to, run.to) - Math.max(cell.from, run.from) + 1;
      if (overlap <= 0) continue;
      cells[i] = { ...cell, counts: { ...cell.counts, [run.state]: (cell.counts[run.state] ?? 0) + overlap } };
    }
  }
  return { ...map, cells };
}

/** The map as the final runs say, replacing whatever progress events had filled in. */
export function rangeMapFromRuns(ranges: Array<[number, number]>, runs: readonly PortRun[]): RangeMap {
  return addRuns(createRangeMap(ranges), runs);
}

function firstCellAtOrAfter(cells: readonly RangeMapCell[], port: number): number {
  let lo = 0;
  let hi = cells.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cells[mid]!.to < port) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function cellState(cell: RangeMapCell): CellState {
  for (const state of STATE_PRIORITY) if ((cell.counts[state] ?? 0) > 0) return state;
  return 'untested';
}
