import { describe, expect, it } from 'vitest';
import type { ConnectOutcome, PortRun, SweepObservation } from '../../src/observation/index.js';
import { connectDeadline, INITIAL_SYN_RTO_MS, sweptDeadline } from '../../src/probe/data-deadline.js';
import { sweepObservation } from '../sweep/sweep-observation.js';

const control = (state: ConnectOutcome['state'], elapsedMs: number): ConnectOutcome => ({
  state,
  address: '192.0.2.1',
  port: 21,
  elapsedMs,
  timeoutMs: 10_000,
});

describe('the data-connect deadline', () => {
  it('outlasts one lost SYN and its retransmission on a fast path', () => {
    expect(connectDeadline(10_000, control('open', 1))).toBe(INITIAL_SYN_RTO_MS + 150);
  });

  it('grows with the control round trip', () => {
    expect(connectDeadline(10_000, control('open', 200))).toBe(INITIAL_SYN_RTO_MS + 600);
  });

  it('never exceeds --step-timeout, and is --step-timeout without a connected control channel', () => {
    expect(connectDeadline(7000, control('open', 2000))).toBe(7000);
    expect(connectDeadline(800, control('open', 1))).toBe(800);
    expect(connectDeadline(10_000, control('no-answer', 10_000))).toBe(10_000);
    expect(connectDeadline(10_000, undefined)).toBe(10_000);
  });
});

/** A sweep of 60000–60009 as the lab's dropped range gives it: two passes, the retry waiting twice as long. */
const sweep = (runs: PortRun[]): SweepObservation =>
  sweepObservation({
    runs,
    retries: 10,
    passes: [
      { ports: 10, timeoutMs: 100, elapsedMs: 120, answered: 0 },
      { ports: 10, timeoutMs: 200, elapsedMs: 230, answered: 0 },
    ],
    elapsedMs: 350,
  });

describe('the data-connect deadline after the sweep', () => {
  const swept = sweep([
    { from: 60000, to: 60003, state: 'no-answer' },
    { from: 60004, to: 60005, state: 'icmp-reject' },
    { from: 60006, to: 60007, state: 'refused' },
    { from: 60008, to: 60009, state: 'open' },
  ]);

  it('waits on a port the sweep found unanswered or ICMP-rejected as long as its longest pass did', () => {
    expect(sweptDeadline(1150, swept, 60001)).toBe(200);
    expect(sweptDeadline(1150, swept, 60005)).toBe(200);
  });

  it('keeps the full deadline where the sweep got an answer, did not test the port, or did not run', () => {
    expect(sweptDeadline(1150, swept, 60006)).toBe(1150);
    expect(sweptDeadline(1150, swept, 60009)).toBe(1150);
    expect(sweptDeadline(1150, swept, 61000)).toBe(1150);
    expect(sweptDeadline(1150, undefined, 60001)).toBe(1150);
  });

  it('never waits longer than the data-connect deadline', () => {
    expect(sweptDeadline(150, swept, 60001)).toBe(150);
  });
});
