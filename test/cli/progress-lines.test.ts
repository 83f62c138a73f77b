import { describe, expect, it } from 'vitest';
import { INITIAL_PROGRESS, progressLines, type ProgressState } from '../../src/cli/progress-lines.js';
import type { ProbeEvent } from '../../src/observation/index.js';
import { lateRefusals } from '../ui/late-refusal-calibration.js';
import { events, finalLog } from '../ui/recorded-run.js';

function play(list: ProbeEvent[]): string[] {
  let state: ProgressState = INITIAL_PROGRESS;
  const out: string[] = [];
  for (const e of list) {
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
  it('print one line per finished step of a real run', () => {
    const lines = play(events);
    const { settings, steps } = finalLog;
    expect(lines[0]).toBe(`ftpdoctor: checking ${settings.host}:${settings.port}`);
    expect(lines.slice(1)).toEqual(
      steps.map((s) => `[${s.status === 'ok' ? ' ok ' : s.status}] ${s.label} (${s.elapsedMs} ms): ${s.summary}`),
    );
    expect(lines.find((l) => l.includes('Read the server greeting'))).toMatch(
      /^\[ ok \] .*: 220 ftpdoctor reference server ready$/,
    );
  });

  it('report each quarter of the sweep once, whatever the event rate', () => {
    const lines = play([10, 240, 250, 260, 499, 500, 740, 760, 990, 1000].map(progress));
    expect(lines).toEqual([
      '[....] sweep 250/1000 ports: open 250',
      '[....] sweep 500/1000 ports: open 500',
      '[....] sweep 760/1000 ports: open 760',
    ]);
  });

  it("print the sweep's calibration once it is taken", () => {
    expect(play([{ type: 'sweep-calibrated', calibration: lateRefusals }])).toEqual([
      '[....] sweep calibrated: a refusal from closed port 23301 took 2004 ms, answers up to 2 ms (2 samples) → per-port deadline at least 3006 ms, retries up to 6012 ms',
    ]);
  });

  it('bracket IPv6 hosts', () => {
    expect(play([{ type: 'run-start', at: '', host: '::1', port: 2121 }])).toEqual(['ftpdoctor: checking [::1]:2121']);
  });

  it('never carry an escape code', () => {
    expect(play(events).join('\n')).not.toContain('\x1b');
  });
});
