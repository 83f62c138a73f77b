import { describe, expect, it } from 'vitest';
import { INITIAL_PROGRESS, progressLines, type ProgressState } from '../../src/cli/progress-lines.js';
import type { ProbeEvent } from '../../src/observation/index.js';
import { endEvents, midEvents, startEvents } from '../ui/scripted-run.js';

function play(events: ProbeEvent[]): string[] {
  let state: ProgressState = INITIAL_PROGRESS;
  const out: string[] = [];
  for (const e of events) {
    const r = progressLines(e, state);
    out.push(...r.lines);
    state = r.state;
  }
  return out;
}

const progress = (done: number): ProbeEvent => ({
  type: 'sweep-progress',
  done,
  total: 1000,
  counts: { open: done },
  runs: [],
});

describe('plain progress lines', () => {
  it('print one line per finished step and a sweep line per quarter', () => {
    expect(play([...startEvents, ...midEvents, ...endEvents])).toEqual([
      'ftpdoctor: checking ftp.example.com:21',
      '[ ok ] Resolve ftp.example.com (4 ms): 203.0.113.10',
      '[ ok ] Connect to port 21 (31 ms): connected from 192.168.1.20',
      '[ ok ] Greeting (12 ms): 220 FTP ready',
      '[....] sweep 3000/5536 ports: closed 3000',
      '[warn] Sweep passive range (2400 ms): 3,000 reachable, 2,536 dropped',
    ]);
  });

  it('report each quarter of the sweep once, whatever the event rate', () => {
    const lines = play([10, 240, 250, 260, 499, 500, 740, 760, 990, 1000].map(progress));
    expect(lines).toEqual([
      '[....] sweep 250/1000 ports: open 250',
      '[....] sweep 500/1000 ports: open 500',
      '[....] sweep 760/1000 ports: open 760',
    ]);
  });

  it('bracket IPv6 hosts', () => {
    expect(play([{ type: 'run-start', at: '', host: '::1', port: 2121 }])).toEqual(['ftpdoctor: checking [::1]:2121']);
  });

  it('never carry an escape code', () => {
    expect(play([...startEvents, ...midEvents, ...endEvents]).join('\n')).not.toContain('\x1b');
  });
});
