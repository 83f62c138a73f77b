import { describe, expect, it } from 'vitest';
import type { ConnectOutcome } from '../../src/observation/index.js';
import { connectDeadline, INITIAL_SYN_RTO_MS } from '../../src/probe/data-deadline.js';

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
