import { describe, expect, it } from 'vitest';
import { SAMPLE_SPREAD, selectPorts } from '../../src/sweep/port-selection.js';

describe('selectPorts', () => {
  it.each<[string, Array<[number, number]>, number]>([
    ['full 60000-65535 tries all 5536 ports', [[60000, 65535]], 5536],
    [
      'full two ranges',
      [
        [1000, 1010],
        [2000, 2000],
      ],
      12,
    ],
  ])('%s', (_name, ranges, n) => {
    const ports = selectPorts(ranges, 'full');
    expect(ports).toHaveLength(n);
    expect(ports[0]).toBe(ranges[0]![0]);
    expect(ports.at(-1)).toBe(ranges.at(-1)![1]);
  });

  it.each<[string, Array<[number, number]>]>([
    ['one range', [[60000, 65535]]],
    [
      'three ranges of different sizes',
      [
        [1000, 1999],
        [5000, 5001],
        [60000, 65535],
      ],
    ],
    ['the whole port space', [[1, 65535]]],
  ])('sample of %s: about 64 spread ports plus every range edge, sorted, unique', (_name, ranges) => {
    const ports = selectPorts(ranges, 'sample');
    expect(ports.length).toBeGreaterThanOrEqual(SAMPLE_SPREAD);
    expect(ports.length).toBeLessThanOrEqual(SAMPLE_SPREAD + 2 * ranges.length);
    for (const [from, to] of ranges) expect(ports).toEqual(expect.arrayContaining([from, to]));
    expect([...ports].sort((a, b) => a - b)).toEqual(ports);
    expect(new Set(ports).size).toBe(ports.length);
    for (const p of ports) expect(ranges.some(([f, t]) => p >= f && p <= t)).toBe(true);
  });

  it('sample spreads evenly: no gap between chosen ports is much wider than range/63', () => {
    const ports = selectPorts([[60000, 65535]], 'sample');
    const gaps = ports.slice(1).map((p, i) => p - ports[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(Math.ceil(5535 / 63) + 1);
  });

  it('a small range is sampled in full', () => {
    expect(selectPorts([[100, 160]], 'sample')).toHaveLength(61);
  });
});
