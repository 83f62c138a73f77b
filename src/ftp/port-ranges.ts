/**
 * Port ranges, the one vocabulary for them: sets of TCP ports as sorted, disjoint, inclusive
 * [from, to] pairs (a passive range, a swept range, the ports a firewall rule covers), parsed from
 * and written as the `--range` syntax or as prose.
 */
export type PortRange = [number, number];
export type PortSet = PortRange[];

export const ALL_PORTS: PortSet = [[1, 65535]];

/**
 * Parses the `--range` option: a comma-separated list of ports and inclusive port ranges
 * ("60000-65535", "1000-1010,2000"). TCP ports 1–65535 can be connected to; port 0 cannot
 * (RFC 793 uses it for "any" in bind, never as a destination), so it is refused.
 * The result is sorted with overlapping and adjacent pieces merged, so every port appears once.
 */

export type RangeSpecResult =
  { ok: true; ranges: Array<[number, number]> } | { ok: false; code: RangeSpecError; message: string };

export type RangeSpecError =
  'E_RANGE_EMPTY' | 'E_RANGE_SYNTAX' | 'E_RANGE_PORT_ZERO' | 'E_RANGE_PORT_TOO_HIGH' | 'E_RANGE_REVERSED';

const MAX_PORT = 65535;
const PIECE = /^(\d{1,6})(?:\s*[-\u2013]\s*(\d{1,6}))?$/;

export function parseRangeSpec(spec: string): RangeSpecResult {
  const pieces = spec.split(',').map((p) => p.trim());
  if (spec.trim() === '') {
    return { ok: false, code: 'E_RANGE_EMPTY', message: 'the port range is empty: give e.g. 60000-65535' };
  }
  const ranges: Array<[number, number]> = [];
  for (const piece of pieces) {
    const parsed = parsePiece(piece, spec);
    if (!parsed.ok) return parsed;
    ranges.push(parsed.range);
  }
  return { ok: true, ranges: mergeRanges(ranges) };
}

function parsePiece(
  piece: string,
  spec: string,
): { ok: true; range: [number, number] } | { ok: false; code: RangeSpecError; message: string } {
  if (piece === '') {
    return { ok: false, code: 'E_RANGE_SYNTAX', message: `"${spec}" has an empty item between commas` };
  }
  const m = PIECE.exec(piece);
  if (!m) {
    return {
      ok: false,
      code: 'E_RANGE_SYNTAX',
      message: `"${piece}" is not a port or a port range: write a port (2000) or a range (60000-65535), comma-separated`,
    };
  }
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  for (const port of [from, to]) {
    if (port === 0) {
      return {
        ok: false,
        code: 'E_RANGE_PORT_ZERO',
        message: `"${piece}" includes port 0, which cannot be connected to: ports are 1-65535`,
      };
    }
    if (port > MAX_PORT) {
      return {
        ok: false,
        code: 'E_RANGE_PORT_TOO_HIGH',
        message: `"${piece}" includes port ${port}, above the highest TCP port 65535`,
      };
    }
  }
  if (from > to) {
    return {
      ok: false,
      code: 'E_RANGE_REVERSED',
      message: `"${piece}" runs backwards: write the lower port first (${to}-${from})`,
    };
  }
  return { ok: true, range: [from, to] };
}

/** Sorts ranges (each written either way round) and merges overlapping or adjacent ones. */
export function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>): PortSet {
  const sorted = ranges.map(([a, b]): PortRange => [Math.min(a, b), Math.max(a, b)]).sort((x, y) => x[0] - y[0]);
  const merged: PortSet = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

export function intersect(x: PortSet, y: PortSet): PortSet {
  const out: PortSet = [];
  for (const [a, b] of x)
    for (const [c, d] of y) if (Math.max(a, c) <= Math.min(b, d)) out.push([Math.max(a, c), Math.min(b, d)]);
  return mergeRanges(out);
}

export function subtract(x: PortSet, y: PortSet): PortSet {
  let rest = mergeRanges(x);
  for (const [c, d] of y) {
    rest = rest.flatMap(([a, b]): PortSet => {
      if (d < a || c > b) return [[a, b]];
      const parts: PortSet = [];
      if (a < c) parts.push([a, c - 1]);
      if (d < b) parts.push([d + 1, b]);
      return parts;
    });
  }
  return rest;
}

export function countPorts(ranges: ReadonlyArray<readonly [number, number]>): number {
  return ranges.reduce((n, [from, to]) => n + to - from + 1, 0);
}

/** The `--range` syntax, "60000-62999,63001": what a user types back into a flag. */
export function formatRanges(ranges: ReadonlyArray<readonly [number, number]>): string {
  return ranges.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)).join(',');
}

/** Prose, "60000–62999, 63001": for reports and findings. */
export function rangesText(ranges: ReadonlyArray<readonly [number, number]>): string {
  return ranges.map(([from, to]) => rangeText(from, to)).join(', ');
}

export function rangeText(from: number, to: number): string {
  return from === to ? `${from}` : `${from}–${to}`;
}
