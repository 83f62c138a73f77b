import { describe, expect, it } from 'vitest';
import { addRuns, cellState, createRangeMap, rangeMapFromRuns } from '../../src/views/range-map.js';

describe('the range map groups ports into cells', () => {
  it.each<[Array<[number, number]>, number, number]>([
    [[[60000, 65535]], 32, 173],
    [[[60000, 60099]], 1, 100],
    [[[1, 65535]], 512, 128],
    [
      [
        [50000, 50100],
        [60000, 60050],
      ],
      1,
      152,
    ],
    [[[60000, 60255]], 2, 128],
  ])('%j: %i ports per cell, %i cells', (ranges, perCell, cells) => {
    const map = createRangeMap(ranges);
    expect(map.portsPerCell).toBe(perCell);
    expect(map.cells).toHaveLength(cells);
    expect(map.cells.at(-1)!.to).toBe(ranges.at(-1)![1]);
  });

  it('never lets a cell span two ranges', () => {
    const map = createRangeMap([
      [100, 102],
      [200, 202],
    ]);
    expect(map.cells.map((c) => [c.from, c.to])).toEqual([
      [100, 100],
      [101, 101],
      [102, 102],
      [200, 200],
      [201, 201],
      [202, 202],
    ]);
  });
});

describe('cells fill in from runs', () => {
  it('counts the overlap of each run with each cell', () => {
    const map = addRuns(createRangeMap([[60000, 65535]]), [
      { from: 60000, to: 60040, state: 'open' },
      { from: 60041, to: 60063, state: 'no-answer' },
    ]);
    expect(map.cells[0]!.counts).toEqual({ open: 32 });
    expect(map.cells[1]!.counts).toEqual({ open: 9, 'no-answer': 23 });
    expect(map.cells[2]!.counts).toEqual({});
  });

  it('shows the most alarming state of a cell, so one blocked port is not hidden', () => {
    const map = rangeMapFromRuns(
      [[60000, 65535]],
      [
        { from: 60000, to: 60030, state: 'open' },
        { from: 60031, to: 60031, state: 'blocked-reset' },
        { from: 60032, to: 60063, state: 'refused' },
      ],
    );
    expect(map.cells.slice(0, 3).map(cellState)).toEqual(['blocked-reset', 'refused', 'untested']);
  });

  it('leaves the old map untouched (views compare by reference)', () => {
    const before = createRangeMap([[1000, 1010]]);
    const after = addRuns(before, [{ from: 1000, to: 1010, state: 'open' }]);
    expect(before.cells.every((c) => cellState(c) === 'untested')).toBe(true);
    expect(after.cells.every((c) => cellState(c) === 'open')).toBe(true);
  });

  it('ignores runs outside the range', () => {
    const map = addRuns(createRangeMap([[1000, 1010]]), [
      { from: 1, to: 999, state: 'open' },
      { from: 1011, to: 2000, state: 'open' },
    ]);
    expect(map.cells.every((c) => cellState(c) === 'untested')).toBe(true);
  });
});
