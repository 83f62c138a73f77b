/** Sets of TCP ports as sorted, disjoint, inclusive [from, to] ranges. */
export type PortSet = Array<[number, number]>;

export const ALL_PORTS: PortSet = [[1, 65535]];

export function normalise(ranges: ReadonlyArray<readonly [number, number]>): PortSet {
  const sorted = ranges
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number])
    .sort((x, y) => x[0] - y[0]);
  const out: PortSet = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function intersect(x: PortSet, y: PortSet): PortSet {
  const out: PortSet = [];
  for (const [a, b] of x)
    for (const [c, d] of y) if (Math.max(a, c) <= Math.min(b, d)) out.push([Math.max(a, c), Math.min(b, d)]);
  return normalise(out);
}

export function subtract(x: PortSet, y: PortSet): PortSet {
  let rest = normalise(x);
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
