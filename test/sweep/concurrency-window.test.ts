import { describe, expect, it } from 'vitest';
import {
  allowed,
  createWindow,
  onAnswer,
  onLocalExhaustion,
  onNoAnswer,
  onProvenLoss,
  type ConcurrencyWindow,
} from '../../src/sweep/concurrency-window.js';

type Event = 'answer' | 'drop' | 'loss' | `exhausted@${number}`;
const apply = (w: ConcurrencyWindow, e: Event): ConcurrencyWindow =>
  e === 'answer'
    ? onAnswer(w)
    : e === 'drop'
      ? onNoAnswer(w)
      : e === 'loss'
        ? onProvenLoss(w)
        : onLocalExhaustion(w, Number(e.split('@')[1]));
const times = (n: number, e: Event): Event[] => Array<Event>(n).fill(e);

describe('concurrency window', () => {
  it.each<[string, { limit: number; initial: number; floor: number }, Event[], number]>([
    ['starts at the initial window', { limit: 1000, initial: 256, floor: 128 }, [], 256],
    ['initial is capped by the limit (the fd budget)', { limit: 100, initial: 256, floor: 128 }, [], 100],
    ['answers grow it (slow start)', { limit: 1000, initial: 256, floor: 128 }, times(100, 'answer'), 356],
    ['never above the limit', { limit: 300, initial: 256, floor: 128 }, times(500, 'answer'), 300],
    [
      'drops halve it once a full window has completed',
      { limit: 1000, initial: 256, floor: 64 },
      [...times(256, 'answer'), ...times(257, 'drop')],
      256,
    ],
    ['drops back off, but never below the floor', { limit: 1000, initial: 512, floor: 128 }, times(5000, 'drop'), 128],
    [
      'a proven loss lowers the floor',
      { limit: 1000, initial: 512, floor: 128 },
      [...times(5000, 'drop'), 'loss', ...times(5000, 'drop')],
      64,
    ],
    [
      'losses stop at the minimum floor',
      { limit: 1000, initial: 512, floor: 128 },
      [...times(30, 'loss'), ...times(5000, 'drop')],
      4,
    ],
    [
      'running out of descriptors cuts the limit below what was in flight',
      { limit: 1000, initial: 512, floor: 128 },
      ['exhausted@400', ...times(1000, 'answer')],
      300,
    ],
  ])('%s', (_name, opts, events, want) => {
    expect(allowed(events.reduce(apply, createWindow(opts)))).toBe(want);
  });

  it('one decrease per window of completions, like TCP per round trip', () => {
    let w = createWindow({ limit: 1000, initial: 512, floor: 8 });
    w = onNoAnswer(w); // too soon after start: counted, no decrease
    expect(allowed(w)).toBe(512);
    for (let i = 0; i < 512; i++) w = onNoAnswer(w);
    expect(allowed(w)).toBe(256);
  });
});
