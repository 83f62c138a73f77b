import { describe, expect, it } from 'vitest';
import { LocalPortPool, readEphemeralRange, sourcePortRanges } from '../../src/sweep/local-port-pool.js';

describe('sourcePortRanges: bind outside the swept ranges only when the ephemeral range overlaps them', () => {
  it.each<[string, [number, number], Array<[number, number]>, Array<[number, number]> | undefined]>([
    ['Linux default vs 60000-65535', [32768, 60999], [[60000, 65535]], [[32768, 59999]]],
    [
      'Linux default vs 40000-40999 (a hole in the middle)',
      [32768, 60999],
      [[40000, 40999]],
      [
        [32768, 39999],
        [41000, 60999],
      ],
    ],
    [
      'no overlap: the kernel may choose',
      [32768, 60999],
      [
        [2000, 3000],
        [61000, 65535],
      ],
      undefined,
    ],
    ['IANA range vs 60000-65535', [49152, 65535], [[60000, 65535]], [[49152, 59999]]],
    [
      'several swept ranges',
      [32768, 60999],
      [
        [30000, 33000],
        [50000, 50010],
        [60000, 65535],
      ],
      [
        [33001, 49999],
        [50011, 59999],
      ],
    ],
    ['too little left: let the kernel choose', [32768, 60999], [[33000, 65535]], undefined],
    ['everything swept', [32768, 60999], [[1, 65535]], undefined],
  ])('%s', (_name, ephemeral, swept, want) => {
    expect(sourcePortRanges(ephemeral, swept)).toEqual(want);
  });

  it("reads this machine's ephemeral range", () => {
    const { range } = readEphemeralRange();
    expect(range[0]).toBeGreaterThan(0);
    expect(range[1]).toBeGreaterThanOrEqual(range[0]);
  });
});

describe('LocalPortPool', () => {
  it('hands out every port once before reusing any, and never one still held', () => {
    const pool = new LocalPortPool([
      [100, 102],
      [200, 200],
    ]);
    const first = [pool.take(), pool.take(), pool.take(), pool.take()];
    expect(first.map(Number).sort((x, y) => x - y)).toEqual([100, 101, 102, 200]);
    expect(pool.take()).toBeUndefined();
    pool.release(first[1]!);
    expect(pool.take()).toBe(first[1]);
  });
});
