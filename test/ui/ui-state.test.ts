import { describe, expect, it } from 'vitest';
import { cellState } from '../../src/ui/range-map.js';
import { initialUiState, reduceUi, type UiAction, type UiState } from '../../src/ui/ui-state.js';
import { endEvents, finalDiagnosis, log, midDiagnosis, midEvents, settings, startEvents } from './scripted-run.js';

const play = (actions: UiAction[], from: UiState = initialUiState(settings)) => actions.reduce(reduceUi, from);

describe('the UI reducer', () => {
  it('starts with every channel waiting and an empty map of the range', () => {
    const s = initialUiState(settings);
    expect(Object.values(s.channels).map((c) => c.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(s.map?.cells.every((c) => cellState(c) === 'untested')).toBe(true);
  });

  it('has no map when the sweep is off', () => {
    expect(initialUiState({ ...settings, sweep: 'off' }).map).toBeUndefined();
  });

  it('marks a step running, then ended with its time', () => {
    const s = play([...startEvents, midEvents[0]!]);
    expect(s.steps).toEqual([
      { id: 'resolve', label: 'Resolve ftp.example.com', status: 'ok', elapsedMs: 4, summary: '203.0.113.10' },
    ]);
  });

  it('shows a channel as testing while its step runs', () => {
    const s = play([...startEvents, { type: 'step-start', id: 'control-connect', label: 'Connect', t: 1 }]);
    expect(s.channels.control.status).toBe('testing');
    expect(s.channels.passive.status).toBe('pending');
  });

  it('takes verdicts only for channels whose steps have ended', () => {
    const s = play([
      ...startEvents,
      ...midEvents.slice(0, 6),
      { type: 'diagnosis', diagnosis: midDiagnosis, final: false },
    ]);
    expect(s.channels.control).toEqual({ status: 'ok', summary: 'connected and logged in as anonymous' });
    expect(s.channels.passive.status).toBe('pending');
    expect(s.channels.active.status).toBe('pending');
  });

  it('fills the map from sweep progress', () => {
    const s = play([...startEvents, ...midEvents]);
    expect(s.sweep).toEqual({ done: 3501, counts: { closed: 3000, 'no-answer': 501 } });
    const states = s.map!.cells.map(cellState);
    expect(states.filter((c) => c === 'closed')).toHaveLength(93); // 60000-62975: cell 93 holds 62976-63007, so it has dropped ports
    expect(states[93]).toBe('no-answer');
    expect(states.filter((c) => c === 'untested').length).toBeGreaterThan(0);
  });

  it('replaces progress with the final runs of the log at the end', () => {
    const s = play([...startEvents, ...midEvents, ...endEvents]);
    expect(s.map!.cells.map(cellState).includes('untested')).toBe(false);
    expect(s.sweep?.counts).toEqual({ closed: 3000, 'no-answer': 2536 });
    expect(s.phase).toBe('done');
  });

  it('lists the final findings most severe first and keeps the verdict', () => {
    const s = play([
      ...startEvents,
      ...midEvents,
      ...endEvents,
      { type: 'diagnosis', diagnosis: finalDiagnosis, final: true },
    ]);
    expect(s.findings.map((f) => f.code)).toEqual(['PASSIVE_PORTS_BLOCKED', 'PASV_PRIVATE_ADDRESS']);
    expect(s.result).toEqual({ verdict: 'problems', recommendation: finalDiagnosis.recommendation, complete: true });
    expect(s.channels.passive.status).toBe('partial');
  });

  it('marks a stopped run incomplete and its running steps stopped', () => {
    const s = play([
      ...startEvents,
      ...midEvents,
      { type: 'stopping', reason: 'stopping: q pressed' },
      { type: 'run-end', log: { ...log([]), complete: false } },
      { type: 'diagnosis', diagnosis: finalDiagnosis, final: true },
    ]);
    expect(s.steps.find((x) => x.id === 'sweep')?.status).toBe('aborted');
    expect(s.result?.complete).toBe(false);
    expect(s.notices).toEqual(['stopping: q pressed']);
  });

  it('marks a run whose log did not finish incomplete', () => {
    const s = play([
      ...startEvents,
      { type: 'run-end', log: { ...log([]), complete: false } },
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
