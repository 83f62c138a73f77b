import { describe, expect, it } from 'vitest';
import { blockedSegments } from '../../src/diagnosis/sweep-blocks.js';
import type { PortState } from '../../src/observation/index.js';
import { sweepOf } from './observation-factory.js';

type Runs = Array<[number, number, PortState]>;

describe('blockedSegments', () => {
  it.each<{
    name: string;
    runs: Runs;
    mode?: 'full' | 'sample';
    ranges?: Array<[number, number]>;
    want: Array<[number, number, string]>;
  }>([
    { name: 'nothing blocked', runs: [[60000, 65535, 'open']], want: [] },
    { name: 'refused ports are not blocked', runs: [[60000, 65535, 'refused']], want: [] },
    {
      name: 'one dropped sub-range, exact',
      runs: [
        [60000, 62999, 'open'],
        [63000, 65535, 'no-answer'],
      ],
      want: [[63000, 65535, 'drop']],
    },
    {
      name: 'two odd dropped sub-ranges stay two',
      runs: [
        [60000, 60999, 'open'],
        [61000, 61500, 'no-answer'],
        [61501, 63999, 'open'],
        [64000, 64111, 'no-answer'],
        [64112, 65535, 'open'],
      ],
      want: [
        [61000, 61500, 'drop'],
        [64000, 64111, 'drop'],
      ],
    },
    {
      name: 'rate-limited ICMP: icmp-reject and no-answer interleaved are one reject',
      runs: [
        [60000, 60005, 'icmp-reject'],
        [60006, 60900, 'no-answer'],
        [60901, 60901, 'icmp-reject'],
        [60902, 65535, 'no-answer'],
      ],
      want: [[60000, 65535, 'rate-limited-reject']],
    },
    { name: 'only icmp-reject', runs: [[60000, 65535, 'icmp-reject']], want: [[60000, 65535, 'icmp-reject']] },
    {
      name: 'blocked-reset is a firewall reset',
      runs: [
        [60000, 60009, 'refused'],
        [60010, 60010, 'blocked-reset'],
        [60011, 60020, 'refused'],
      ],
      want: [[60010, 60010, 'reset']],
    },
    {
      name: 'a drop next to a reset is two rules',
      runs: [
        [60000, 60009, 'no-answer'],
        [60010, 60019, 'blocked-reset'],
      ],
      want: [
        [60000, 60009, 'drop'],
        [60010, 60019, 'reset'],
      ],
    },
    {
      name: 'token mismatch: a middlebox',
      runs: [[60000, 60009, 'token-mismatch']],
      want: [[60000, 60009, 'middlebox']],
    },
    { name: 'local errors are not blocks', runs: [[60000, 60009, 'local-error']], want: [] },
    {
      name: 'separate requested ranges never merge',
      ranges: [
        [2000, 2010],
        [2011, 2020],
      ],
      runs: [
        [2000, 2010, 'no-answer'],
        [2011, 2020, 'no-answer'],
      ],
      want: [
        [2000, 2010, 'drop'],
        [2011, 2020, 'drop'],
      ],
    },
    {
      name: 'sample mode spans gaps between blocked samples',
      mode: 'sample',
      runs: [
        [60000, 60000, 'open'],
        [63000, 63000, 'no-answer'],
        [64500, 64500, 'no-answer'],
        [65535, 65535, 'no-answer'],
      ],
      want: [[63000, 65535, 'drop']],
    },
    {
      name: 'full mode does not bridge an untested gap',
      runs: [
        [60000, 60010, 'no-answer'],
        [60020, 60030, 'no-answer'],
      ],
      want: [
        [60000, 60010, 'drop'],
        [60020, 60030, 'drop'],
      ],
    },
  ])('$name', ({ runs, mode, ranges, want }) => {
    const got = blockedSegments(sweepOf(runs, { mode, ranges }));
    expect(got.map((s) => [s.from, s.to, s.how])).toEqual(want);
  });
});
