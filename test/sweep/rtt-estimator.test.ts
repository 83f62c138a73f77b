import { describe, expect, it } from 'vitest';
import { addRttSample, createRttEstimate, type RttBounds } from '../../src/sweep/rtt-estimator.js';

const bounds: RttBounds = { minMs: 100, maxMs: 1250, initialTimeoutMs: 1000 };

describe('rtt estimator (nmap adjust_timeouts2)', () => {
  it.each<[string, number | undefined, number[], { srtt?: number; rttvar?: number; timeout: number }]>([
    ['no sample: the initial timeout', undefined, [], { timeout: 1000 }],
    [
      'seeded with a LAN control RTT: rttvar floor 5 ms, timeout at the 100 ms minimum',
      0.3,
      [],
      { srtt: 0.3, rttvar: 5, timeout: 100 },
    ],
    ['seeded with 80 ms: 80 + 4·80', 80, [], { srtt: 80, rttvar: 80, timeout: 400 }],
    ['seeded with 400 ms: capped at the 1250 ms maximum', 400, [], { srtt: 400, rttvar: 400, timeout: 1250 }],
    ['first sample without seed', undefined, [50], { srtt: 50, rttvar: 50, timeout: 250 }],
    ['second sample moves srtt 1/8 and rttvar 1/4 of the error', 100, [180], { srtt: 110, rttvar: 95, timeout: 490 }],
    [
      'a sample is capped at 2·min + 10 ms: our own queueing is not path delay',
      0.2,
      [400],
      { srtt: 0.2 + (10.4 - 0.2) / 8, rttvar: 5 + (10.2 - 5) / 4, timeout: 100 },
    ],
    [
      'the cap follows the smallest sample (300 counts as 2·20 + 10)',
      50,
      [20, 300],
      { srtt: 46.71875, rttvar: 34.6875, timeout: 185.46875 },
    ],
    ['steady samples shrink rttvar', 40, [40, 40, 40, 40], { srtt: 40, rttvar: 40 * 0.75 ** 4, timeout: 100 }],
    [
      'steady 100 ms samples',
      100,
      [100, 100],
      { srtt: 100, rttvar: 100 * 0.75 ** 2, timeout: 100 + 4 * 100 * 0.75 ** 2 },
    ],
    ['a wild outlier counts only up to the cap (2·10 + 10)', 10, [5000], { srtt: 12.5, rttvar: 12.5, timeout: 100 }],
    ['negative and NaN samples are ignored', 20, [-1, Number.NaN], { srtt: 20, rttvar: 20, timeout: 100 }],
  ])('%s', (_name, seed, samples, want) => {
    const est = samples.reduce(addRttSample, createRttEstimate(bounds, seed));
    if (want.srtt === undefined) expect(est.srttMs).toBeUndefined();
    else expect(est.srttMs).toBeCloseTo(want.srtt, 6);
    if (want.rttvar === undefined) expect(est.rttvarMs).toBeUndefined();
    else expect(est.rttvarMs).toBeCloseTo(want.rttvar, 6);
    expect(est.timeoutMs).toBeCloseTo(want.timeout, 6);
  });

  it('counts samples, including the seed', () => {
    expect([1, 2, 3].reduce(addRttSample, createRttEstimate(bounds, 1)).samples).toBe(4);
  });
});
