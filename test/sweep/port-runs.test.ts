import { describe, expect, it } from 'vitest';
import type { PortRun, PortState } from '../../src/observation/index.js';
import { compressRuns, expandRuns } from '../../src/sweep/port-runs.js';

type P = { port: number; state: PortState };
const span = (from: number, to: number, state: PortState): P[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ port: from + i, state }));

describe('compressRuns keeps boundaries exact', () => {
  it.each<[string, P[], PortRun[]]>([
    ['nothing', [], []],
    ['one port', [{ port: 1, state: 'open' }], [{ from: 1, to: 1, state: 'open' }]],
    [
      'a drop rule on 63000-65535 inside 60000-65535',
      [...span(60000, 62999, 'open'), ...span(63000, 65535, 'no-answer')],
      [
        { from: 60000, to: 62999, state: 'open' },
        { from: 63000, to: 65535, state: 'no-answer' },
      ],
    ],
    [
      'single-port islands',
      [...span(10, 12, 'refused'), { port: 13, state: 'no-answer' }, ...span(14, 15, 'refused')],
      [
        { from: 10, to: 12, state: 'refused' },
        { from: 13, to: 13, state: 'no-answer' },
        { from: 14, to: 15, state: 'refused' },
      ],
    ],
    [
      'unsorted input',
      [
        { port: 3, state: 'open' },
        { port: 1, state: 'open' },
        { port: 2, state: 'open' },
      ],
      [{ from: 1, to: 3, state: 'open' }],
    ],
    [
      'an untested gap ends a run even with the same state',
      [
        { port: 1, state: 'open' },
        { port: 3, state: 'open' },
      ],
      [
        { from: 1, to: 1, state: 'open' },
        { from: 3, to: 3, state: 'open' },
      ],
    ],
    [
      'a retry result replaces the first one',
      [...span(1, 3, 'no-answer'), { port: 2, state: 'open' }],
      [
        { from: 1, to: 1, state: 'no-answer' },
        { from: 2, to: 2, state: 'open' },
        { from: 3, to: 3, state: 'no-answer' },
      ],
    ],
    [
      'range edges 1 and 65535',
      [
        { port: 1, state: 'icmp-reject' },
        { port: 65535, state: 'icmp-reject' },
      ],
      [
        { from: 1, to: 1, state: 'icmp-reject' },
        { from: 65535, to: 65535, state: 'icmp-reject' },
      ],
    ],
  ])('%s', (_name, ports, runs) => {
    expect(compressRuns(ports)).toEqual(runs);
  });

  it('expandRuns inverts compressRuns', () => {
    const ports = [...span(100, 150, 'open'), ...span(151, 160, 'blocked-reset'), ...span(170, 171, 'open')];
    const expanded = expandRuns(compressRuns(ports));
    expect([...expanded.entries()]).toEqual(ports.map((p) => [p.port, p.state]));
  });
});
