import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/probe/index.js';
import type { ObservationLog } from '../../src/observation/index.js';
import { cellState } from '../../src/views/range-map.js';
import { initialUiState, reduceUi, type UiAction, type UiState } from '../../src/ui/ui-state.js';
import { calibrated, lateRefusals } from './late-refusal-calibration.js';
import { actions, finalDiagnosis, finalLog, settings, startedSweep, wholeRun } from './recorded-run.js';

const play = (list: UiAction[], from: UiState = initialUiState(settings)) => list.reduce(reduceUi, from);
const firstStepEnd = actions((e) => e.type === 'step-end');
const stopped: ObservationLog = { ...finalLog, complete: false };

describe('the UI reducer over a recorded run', () => {
  it('starts with every channel waiting and an empty map of the range', () => {
    const s = initialUiState(settings);
    expect(Object.values(s.channels).map((c) => c.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(s.map?.cells.every((c) => cellState(c) === 'untested')).toBe(true);
  });

  it('has no map when the sweep is off', () => {
    expect(initialUiState({ ...settings, sweep: 'off' }).map).toBeUndefined();
  });

  it('marks a step running, then ended with its time', () => {
    const running = play(firstStepEnd);
    expect(running.steps).toEqual([{ id: 'resolve', label: 'Resolve the host name', status: 'running' }]);
    expect(running.channels.control.status).toBe('pending');
    const resolved = finalLog.steps[0]!;
    const ended = play(actions((e) => e.type === 'step-start' && e.id === 'control-connect'));
    expect(ended.steps[0]).toEqual({
      id: 'resolve',
      label: resolved.label,
      status: 'ok',
      elapsedMs: resolved.elapsedMs,
      summary: resolved.summary,
    });
  });

  it('takes verdicts only for channels whose steps have ended', () => {
    const s = play(actions((e) => e.type === 'step-start' && e.id === 'passive'));
    expect(s.channels.control.status).toBe('ok');
    expect(s.channels.passive.status).toBe('pending');
    expect(s.channels.active.status).toBe('pending');
  });

  it('fills the map from sweep progress', () => {
    const firstProgress = actions((e) => e.type === 'sweep-progress');
    const s = play(actions((e) => e.type === 'sweep-progress' && e.done === e.total));
    expect(play(firstProgress).sweep).toBeUndefined();
    expect(s.sweep?.done).toBeGreaterThan(0);
    expect(s.map!.cells.map(cellState).filter((c) => c !== 'untested').length).toBe(s.sweep?.done);
  });

  it("keeps the sweep's calibration from the event, and from the log at the end", () => {
    const sweeping = actions((e) => e.type === 'sweep-progress');
    expect(play(sweeping).calibration).toBeUndefined();
    expect(play([...sweeping, calibrated]).calibration).toEqual(lateRefusals);
    const logged: ObservationLog = { ...finalLog, sweep: { ...finalLog.sweep!, calibration: lateRefusals } };
    expect(play([...sweeping, { type: 'run-end', log: logged }]).calibration).toEqual(lateRefusals);
  });

  it('replaces progress with the final runs of the log at the end', () => {
    const s = play(wholeRun());
    const states = s.map!.cells.map(cellState);
    expect(states.includes('untested')).toBe(false);
    expect(states.slice(0, 40).every((c) => c === 'open')).toBe(true);
    expect(states.slice(40).every((c) => c === 'no-answer')).toBe(true);
    expect(s.sweep?.counts).toEqual(finalLog.sweep?.counts);
    expect(s.phase).toBe('done');
  });

  it('lists the final findings in the diagnosis order and keeps the verdict', () => {
    const s = play(wholeRun());
    expect(s.findings.map((f) => f.code)).toEqual(['PASSIVE_PORTS_BLOCKED', 'LOCAL_FIREWALL']);
    expect(s.result).toEqual({ verdict: 'problems', recommendation: finalDiagnosis.recommendation, complete: true });
    expect(s.channels.passive.status).toBe('partial');
  });

  it('marks a stopped run incomplete and its running steps stopped', () => {
    const s = play([
      ...actions((e) => e.type === 'step-end' && e.step.id === 'sweep'),
      { type: 'stopping', reason: 'stopping: q pressed' },
      { type: 'run-end', log: stopped },
      { type: 'diagnosis', diagnosis: finalDiagnosis, final: true },
    ]);
    expect(s.steps.find((x) => x.id === 'sweep')?.status).toBe('aborted');
    expect(s.result?.complete).toBe(false);
    expect(s.notices).toEqual(['stopping: q pressed']);
  });

  it('marks a run whose log did not finish incomplete', () => {
    const s = play([
      ...actions(startedSweep),
      { type: 'run-end', log: stopped },
      { type: 'diagnosis', diagnosis: finalDiagnosis, final: true },
    ]);
    expect(s.result?.complete).toBe(false);
  });

  it('keeps a bounded transcript and toggles its view', () => {
    const lines: UiAction[] = Array.from({ length: 250 }, (_, i) => ({
      type: 'transcript',
      line: { t: i, dir: 'note', text: `line ${i}`, channel: 'control' },
    }));
    const s = play([...lines, { type: 'toggle-transcript' }]);
    expect(s.transcript).toHaveLength(200);
    expect(s.transcript.at(-1)?.text).toBe('line 249');
    expect(s.showTranscript).toBe(true);
    expect(reduceUi(s, { type: 'toggle-transcript' }).showTranscript).toBe(false);
  });
});

describe('the UI reducer over the default range', () => {
  const wide = defaultSettings('ftp.example.com');

  it('places sweep progress of a partly dropped range cell by cell', () => {
    const s = play(
      [
        {
          type: 'sweep-progress',
          done: 3501,
          total: 5536,
          counts: { refused: 3000, 'no-answer': 501 },
          runs: [
            { from: 60000, to: 62999, state: 'refused' },
            { from: 63000, to: 63500, state: 'no-answer' },
          ],
        },
      ],
      initialUiState(wide),
    );
    const states = s.map!.cells.map(cellState);
    expect(states.filter((c) => c === 'refused')).toHaveLength(93); // 60000-62975: cell 93 holds 62976-63007
    expect(states[93]).toBe('no-answer');
    expect(states.filter((c) => c === 'untested').length).toBeGreaterThan(0);
  });
});
