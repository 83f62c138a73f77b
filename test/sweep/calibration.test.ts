import { describe, expect, it } from 'vitest';
import { calibratedBounds, deriveCalibration } from '../../src/sweep/index.js';
import { calibrationWords } from '../../src/views/index.js';

/** The per-port deadline from what the calibration timed (src/sweep/calibration.ts). */
describe('sweep calibration', () => {
  const base = { refusalLost: 0, elapsedMs: 10 };

  it('on a fast path keeps nmap -T4 bounds: 100 ms floor, 1250 ms ceiling', () => {
    const c = deriveCalibration({
      ...base,
      closedPort: 64000,
      refusalSamplesMs: [1, 2, 1],
      answerSamplesMs: [1, 0, 2],
    });
    expect([c.deadlineMs, c.maxDeadlineMs, c.lossSeen]).toEqual([100, 1250, false]);
  });

  it('waits 1.5 times the slowest refusal when resets arrive late (2 s, as Windows reports them)', () => {
    const c = deriveCalibration({
      ...base,
      closedPort: 64000,
      refusalSamplesMs: [2006, 2004, 2010],
      answerSamplesMs: [3, 1],
    });
    expect(c.refusalMs).toBe(2010);
    expect(c.deadlineMs).toBe(3015);
    expect(calibratedBounds(c)).toEqual({ minMs: 3015, maxMs: 6030, initialTimeoutMs: 3015 });
  });

  it('leaves room for one SYN retransmission when a probe was lost or an answer took one', () => {
    const lost = deriveCalibration({
      ...base,
      refusalLost: 1,
      closedPort: 64000,
      refusalSamplesMs: [610, 620],
      answerSamplesMs: [668, 640],
    });
    expect(lost.lossSeen).toBe(true);
    expect(lost.deadlineMs).toBe(2 * 668 + 1000 + 668);
    const retransmitted = deriveCalibration({ ...base, refusalSamplesMs: [600], answerSamplesMs: [600, 1650] });
    expect(retransmitted.lossSeen).toBe(true);
  });

  it('reads a closed port that refused none of the probes as dropped there, not as loss on the path', () => {
    const dropped = deriveCalibration({
      ...base,
      refusalLost: 3,
      closedPort: 60508,
      refusalSamplesMs: [],
      answerSamplesMs: [2, 0, 0],
    });
    expect([dropped.lossSeen, dropped.deadlineMs, dropped.maxDeadlineMs]).toEqual([false, 100, 1250]);
    expect(calibrationWords(dropped)).toContain('closed port 60508 gave no refusal (dropped there)');
  });
});
