import { countPorts } from '../ftp/index.js';

/**
 * Which ports a sweep tries. 'full' tries every port; 'sample' — for a third-party server one must
 * be polite to — tries an even spread of about 64 ports plus both edges of every range, since rules
 * are written at edges ("60000-65535") and an off-by-one there is the usual mistake. A sample can
 * show that part of the range is blocked; only a full sweep can show exactly where the boundary is.
 */
export const SAMPLE_SPREAD = 64;

export function selectPorts(ranges: ReadonlyArray<readonly [number, number]>, mode: 'full' | 'sample'): number[] {
  const total = countPorts(ranges);
  if (mode === 'full' || total <= SAMPLE_SPREAD + 2 * ranges.length) return allPorts(ranges);
  const chosen = new Set<number>();
  for (const [from, to] of ranges) chosen.add(from).add(to);
  for (let i = 0; i < SAMPLE_SPREAD; i++)
    chosen.add(portAtIndex(ranges, Math.round((i * (total - 1)) / (SAMPLE_SPREAD - 1))));
  return [...chosen].sort((a, b) => a - b);
}

function allPorts(ranges: ReadonlyArray<readonly [number, number]>): number[] {
  const ports: number[] = [];
  for (const [from, to] of ranges) for (let p = from; p <= to; p++) ports.push(p);
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** The index-th port counting through the ranges in order. */
function portAtIndex(ranges: ReadonlyArray<readonly [number, number]>, index: number): number {
  let rest = index;
  for (const [from, to] of ranges) {
    const size = to - from + 1;
    if (rest < size) return from + rest;
    rest -= size;
  }
  const last = ranges.at(-1);
  if (!last) throw new RangeError('selectPorts: no ranges');
  return last[1];
}
