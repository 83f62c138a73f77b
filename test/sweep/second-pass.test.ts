import { describe, expect, it } from 'vitest';
import { mergeSecondPass, silentRanges } from '../../src/sweep/index.js';
import { sweepObservation } from './sweep-observation.js';

describe('a second pass over the silent ports', () => {
  const first = sweepObservation({
    runs: [
      { from: 60000, to: 60003, state: 'refused' },
      { from: 60004, to: 60009, state: 'no-answer' },
    ],
    counts: { refused: 4, 'no-answer': 6 },
    retries: 12,
    errnos: { refused: ['ECONNREFUSED'] },
    passes: [{ ports: 10, timeoutMs: 100, elapsedMs: 120, answered: 4 }],
    elapsedMs: 500.1,
  });

  it('tests again exactly the runs read as no answer', () => {
    expect(silentRanges(first)).toEqual([[60004, 60009]]);
  });

  it("keeps each port's latest result and counts both passes' time, retries and passes", () => {
    const second = sweepObservation({
      ranges: [[60004, 60009]],
      runs: [
        { from: 60004, to: 60006, state: 'refused' },
        { from: 60007, to: 60009, state: 'no-answer' },
      ],
      counts: { refused: 3, 'no-answer': 3 },
      portsTested: 6,
      retries: 3,
      timing: { srttMs: 2, rttvarMs: 1, timeoutMs: 3000 },
      errnos: { refused: ['ECONNREFUSED'], 'no-answer': ['ETIMEDOUT'] },
      passes: [{ ports: 6, timeoutMs: 3000, elapsedMs: 3100, answered: 3 }],
      elapsedMs: 3200.2,
    });
    const merged = mergeSecondPass(first, second);
    expect(merged.runs).toEqual([
      { from: 60000, to: 60006, state: 'refused' },
      { from: 60007, to: 60009, state: 'no-answer' },
    ]);
    expect(merged.counts).toEqual({ refused: 7, 'no-answer': 3 });
    expect(merged.portsTested).toBe(10);
    expect(merged.ranges).toEqual([[60000, 60009]]);
    expect(merged.retries).toBe(15);
    expect(merged.passes?.map((p) => p.timeoutMs)).toEqual([100, 3000]);
    expect(merged.timing.timeoutMs).toBe(3000);
    expect(merged.elapsedMs).toBe(3700.3);
    expect(merged.errnos).toEqual({ refused: ['ECONNREFUSED', 'ECONNREFUSED'], 'no-answer': ['ETIMEDOUT'] });
    expect(merged.complete).toBe(true);
    expect(mergeSecondPass(first, { ...second, complete: false }).complete).toBe(false);
  });
});
