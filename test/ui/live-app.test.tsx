import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiveAppProps } from '../../src/ui/LiveApp.js';
import { initialUiState, reduceUi, type UiAction, type UiState } from '../../src/ui/ui-state.js';
import { readFileSync } from 'node:fs';
import { clientCompatibility } from '../../src/diagnosis/client-compatibility.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { ObservationLog } from '../../src/probe/observation.js';
import { endEvents, finalDiagnosis, midDiagnosis, midEvents, settings, startEvents } from './scripted-run.js';

// Colour support is decided when chalk loads, so force it before Ink is imported.
process.env.FORCE_COLOR = '1';
let ink: typeof import('ink-testing-library');
let LiveApp: typeof import('../../src/ui/LiveApp.js').LiveApp;
beforeAll(async () => {
  ink = await import('ink-testing-library');
  ({ LiveApp } = await import('../../src/ui/LiveApp.js'));
});
afterEach(() => ink.cleanup());

const play = (actions: UiAction[]) => actions.reduce(reduceUi, initialUiState(settings));
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const COLOUR_SGR = /\x1b\[(3[0-7]|9[0-7]|38;)/;

function view(state: UiState, extra: Partial<LiveAppProps> = {}) {
  const calls = { quit: [] as string[], toggle: 0 };
  const props: LiveAppProps = {
    state,
    width: 80,
    colour: true,
    keys: true,
    onQuit: (key) => calls.quit.push(key),
    onToggleTranscript: () => (calls.toggle += 1),
    ...extra,
  };
  const app = ink.render(<LiveApp {...props} />);
  const frame = () => stripAnsi(app.lastFrame() ?? '');
  return { app, frame, calls, props };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('the live view at each stage of a check', () => {
  it('at the start: target, a running step, channels waiting, an empty map, key hints', () => {
    const { frame } = view(play(startEvents));
    const text = frame();
    expect(text).toContain('ftpdoctor · ftp.example.com:21');
    expect(text).toContain('Resolve ftp.example.com');
    expect(text).toMatch(/Control\s+· waiting/);
    expect(text).toMatch(/Passive\s+· waiting/);
    expect(text).toContain('Passive range 60000-65535 · 32 ports per cell · 0/5,536 tested');
    expect(text).toMatch(/^60000 ·{64}$/m);
    expect(text).toContain('· not tested 5,536');
    expect(text).toContain('q quit · v show control transcript');
  });

  it('mid-sweep: marks and times, the control verdict, the map half filled with counts', () => {
    const { frame } = view(
      play([...startEvents, ...midEvents, { type: 'diagnosis', diagnosis: midDiagnosis, final: false }]),
    );
    const text = frame();
    expect(text).toMatch(/✔ Resolve ftp.example.com\s+4 ms 203\.0\.113\.10/);
    expect(text).toMatch(/✔ Connect to port 21\s+31 ms connected from 192\.168\.1\.20/);
    expect(text).toMatch(/Control\s+✔ ok\s+connected and logged in as anonymous/);
    expect(text).toMatch(/Passive\s+\S testing/);
    expect(text).toContain('3,501/5,536 tested');
    expect(text).toMatch(/^60000 □{64}$/m);
    expect(text).toMatch(/^62048 □{29}×{17}·{18}$/m);
    expect(text).toContain('□ closed (reachable) 3,000');
    expect(text).toContain('× no answer (drop) 501');
    expect(text).toContain('· not tested 2,035');
  });

  it('at the end: verdict, channels, the full map and findings most severe first with rule and fix', () => {
    const { frame } = view(
      play([...startEvents, ...midEvents, ...endEvents, { type: 'diagnosis', diagnosis: finalDiagnosis, final: true }]),
    );
    const text = frame();
    expect(text).toContain('▲ PROBLEMS Passive mode works only on ports 60000-62999');
    expect(text).toMatch(/Passive\s+◐ partial\s+3,000 of 5,536 passive ports reachable/);
    expect(text).toMatch(/TLS\s+– skipped/);
    expect(text).toMatch(/^64096 ×{45}$/m);
    expect(text).not.toContain('q quit');
    const blocked = text.indexOf('✖ PASSIVE_PORTS_BLOCKED (passive) Passive ports 63000-65535 are dropped');
    const info = text.indexOf('i PASV_PRIVATE_ADDRESS');
    expect(blocked).toBeGreaterThan(0);
    expect(info).toBeGreaterThan(blocked);
    expect(text).toContain('Rule: outbound TCP to 203.0.113.10 ports 63000-65535 is silently dropped');
    expect(text).toContain('Fix:  1. Allow outbound TCP to 203.0.113.10 ports 60000-65535');
    expect(text).toMatch(/^ {8}2\. Until then, retry transfers/m);
    expect(text).toContain('Who:  your network admin');
    expect(text).toContain('More: ftpdoctor explain PASSIVE_PORTS_BLOCKED');
  });

  it('at the end: the client table from a recorded partly-blocked run, within 80 columns', () => {
    const recorded = JSON.parse(
      readFileSync(
        new URL('../../fixtures/lab-reference-passive-range-partly-dropped.observation.json', import.meta.url),
        'utf8',
      ),
    ) as ObservationLog;
    const clients = clientCompatibility(recorded, diagnose(recorded, { require: ['passive'] }));
    const { frame } = view(
      play([
        ...startEvents,
        ...midEvents,
        ...endEvents,
        { type: 'diagnosis', diagnosis: finalDiagnosis, final: true },
        { type: 'clients', clients },
      ]),
    );
    const text = frame();
    expect(text).toContain('Will my client work?');
    expect(text).toMatch(/about 42% of transfers will hang \(2,302 of 5,536 passive ports\s+blocked\)/);
    expect(text).toMatch(/^! sometimes\s+FileZilla$/m);
    expect(text).toMatch(/^✔ works\s+Java \(Apache Commons Net\)$/m);
    expect(text).toMatch(/^✖ will not work\s+Web browser/m);
    expect(text).toContain('setting: set ftp:passive-mode off');
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('a sample sweep counts the ports it left untested', () => {
    const sample: UiAction = {
      type: 'sweep-progress',
      done: 64,
      total: 64,
      counts: { open: 64 },
      runs: [{ from: 60000, to: 60063, state: 'open' }],
    };
    const { frame } = view(play([...startEvents, sample]));
    expect(frame()).toContain('64/5,536 tested');
    expect(frame()).toContain('■ open 64');
    expect(frame()).toContain('· not tested 5,472');
    expect(frame()).toMatch(/^60000 ■■·{62}$/m);
  });

  it('fits 80 columns at every stage', () => {
    const stages = [
      play(startEvents),
      play([...startEvents, ...midEvents]),
      play([...startEvents, ...midEvents, ...endEvents, { type: 'diagnosis', diagnosis: finalDiagnosis, final: true }]),
    ];
    for (const state of stages) {
      const { frame } = view({ ...state, showTranscript: true });
      for (const line of frame().split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    }
  });
});

describe('keys and colour', () => {
  it('q and Ctrl-C quit, v toggles the transcript', async () => {
    const { app, calls } = view(play([...startEvents, ...midEvents]));
    await tick();
    app.stdin.write('v');
    await tick();
    app.stdin.write('q');
    await tick();
    app.stdin.write('\u0003');
    await tick();
    expect(calls).toEqual({ quit: ['q', 'ctrl-c'], toggle: 1 });
  });

  it('shows the control transcript when toggled on', () => {
    const { frame } = view(reduceUi(play([...startEvents, ...midEvents]), { type: 'toggle-transcript' }));
    expect(frame()).toContain('Control transcript (v hides)');
    expect(frame()).toContain('← 220 FTP ready');
    expect(frame()).toContain('→ USER anonymous');
    expect(frame()).toContain('v hide control transcript');
  });

  it('uses colours only when allowed, and keeps every symbol without them', () => {
    const state = play([
      ...startEvents,
      ...midEvents,
      ...endEvents,
      { type: 'diagnosis', diagnosis: finalDiagnosis, final: true },
    ]);
    const coloured = view(state).app.lastFrame() ?? '';
    ink.cleanup();
    const plain = view(state, { colour: false }).app.lastFrame() ?? '';
    expect(coloured).toMatch(COLOUR_SGR);
    expect(plain).not.toMatch(COLOUR_SGR);
    expect(stripAnsi(plain)).toEqual(stripAnsi(coloured));
  });
});
