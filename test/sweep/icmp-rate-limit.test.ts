import { describe, expect, it } from 'vitest';
import type { PortRun } from '../../src/observation/index.js';
import { findIcmpMixSpans, type IcmpMixSpan } from '../../src/sweep/icmp-rate-limit.js';

describe('findIcmpMixSpans', () => {
  it.each<[string, PortRun[], IcmpMixSpan[]]>([
    [
      'a rate-limited reject: a burst of icmp-reject then timeouts with a stray reject',
      [
        { from: 60000, to: 60005, state: 'icmp-reject' },
        { from: 60006, to: 62000, state: 'no-answer' },
        { from: 62001, to: 62001, state: 'icmp-reject' },
        { from: 62002, to: 65535, state: 'no-answer' },
      ],
      [{ from: 60000, to: 65535, icmpReject: 7, noAnswer: 5529 }],
    ],
    ['only drops: no mix', [{ from: 1, to: 100, state: 'no-answer' }], []],
    ['only rejects (no rate limit hit): no mix', [{ from: 1, to: 5, state: 'icmp-reject' }], []],
    [
      'an open run separates two mixes',
      [
        { from: 1, to: 2, state: 'icmp-reject' },
        { from: 3, to: 10, state: 'no-answer' },
        { from: 11, to: 20, state: 'open' },
        { from: 21, to: 21, state: 'icmp-reject' },
        { from: 22, to: 30, state: 'no-answer' },
      ],
      [
        { from: 1, to: 10, icmpReject: 2, noAnswer: 8 },
        { from: 21, to: 30, icmpReject: 1, noAnswer: 9 },
      ],
    ],
    [
      'an untested gap separates spans',
      [
        { from: 1, to: 1, state: 'icmp-reject' },
        { from: 2, to: 3, state: 'no-answer' },
        { from: 10, to: 10, state: 'icmp-reject' },
      ],
      [{ from: 1, to: 3, icmpReject: 1, noAnswer: 2 }],
    ],
  ])('%s', (_name, runs, spans) => {
    expect(findIcmpMixSpans(runs)).toEqual(spans);
  });
});
