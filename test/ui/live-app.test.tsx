import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiveAppProps } from '../../src/ui/LiveApp.js';
import { initialUiState, reduceUi, type UiAction, type UiState } from '../../src/ui/ui-state.js';
import { readFileSync } from 'node:fs';
import { clientCompatibility } from '../../src/diagnosis/client-compatibility.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { ObservationLog, StepId } from '../../src/observation/index.js';
import { defaultSettings } from '../../src/probe/index.js';
import { calibrated } from './late-refusal-calibration.js';
import { actions, finalLog, settings, startedSweep, wholeRun } from './recorded-run.js';

// Colour support is decided when chalk loads, so force it before Ink is imported.
process.env.FORCE_COLOR = '1';
let ink: typeof import('ink-testing-library');
let LiveApp: typeof import('../../src/ui/LiveApp.js').LiveApp;
beforeAll(async () => {
  ink = await import('ink-testing-library');
  ({ LiveApp } = await import('../../src/ui/LiveApp.js'));
});
afterEach(() => ink.cleanup());

const play = (list: UiAction[]) => list.reduce(reduceUi, initialUiState(settings));
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

const wide = defaultSettings('ftp.example.com');
const { host, port } = settings;

describe('the live view at each stage of a recorded check', () => {
  it('at the start: target, a running step, channels waiting, an empty map, key hints', () => {
    const { frame } = view(play(actions((e) => e.type === 'step-end')));
    const text = frame();
    expect(text).toContain(`ftpdoctor · ${host}:${port}`);
    expect(text).toContain('Resolve the host name');
    expect(text).toMatch(/Control\s+· waiting/);
    expect(text).toMatch(/Passive\s+· waiting/);
    expect(text).toContain('Passive range 23300-23363 · 1 port per cell · 0/64 tested');
    expect(text).toMatch(/^23300 ·{64}$/m);
    expect(text).toContain('· not tested 64');
    expect(text).toContain('q quit · v show control transcript');
  });

  it('before the sweep: marks and times, the verdicts so far, the map still empty', () => {
    const { frame } = view(play(actions(startedSweep)));
    const text = frame();
    const greeting = finalLog.steps.find((s) => s.id === 'greeting')!;
    expect(text).toMatch(
      new RegExp(`✔ Read the server greeting\\s+${greeting.elapsedMs} ms 220 ftpdoctor reference server ready`),
    );
    expect(text).toMatch(/Control\s+✔ ok\s+connected in \d+ ms; FTP server answers; logged in/);
    expect(text).toMatch(/Passive\s+✔ ok\s+3 of 3 passive data connections worked/);
    expect(text).toContain('0/64 tested');
  });

  it('mid-sweep: the ports classified so far', () => {
    const { frame } = view(play(actions((e) => e.type === 'sweep-progress' && e.done === e.total)));
    const text = frame();
    expect(text).toMatch(/^\S Sweep the passive port range$/m);
    expect(text).not.toContain('✔ Sweep');
    expect(text).toContain('1/64 tested');
    expect(text).toContain('■ open 1');
    expect(text).toContain('· not tested 63');
  });

  it('mid-sweep and at the end: what the calibration measured and the per-port deadline', () => {
    const sweeping = actions((e) => e.type === 'sweep-progress');
    expect(view(play(sweeping)).frame()).not.toContain('Calibrated');
    for (const state of [
      play([...sweeping, calibrated]),
      play([...sweeping, calibrated, ...wholeRun().slice(sweeping.length)]),
    ]) {
      const { frame } = view(state);
      const text = frame().replace(/\s+/g, ' ');
      expect(text).toContain(
        'Calibrated: a refusal from closed port 23301 took 2004 ms, answers up to 2 ms (2 samples)',
      );
      expect(text).toContain('per-port deadline at least 3006 ms');
      for (const line of frame().split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    }
  });

  it('at the end: verdict, channels, the full map and the findings with rule and fix', () => {
    const { frame } = view(play(wholeRun()));
    const text = frame();
    expect(text).toContain('▲ PROBLEMS Some passive data ports to 127.0.0.1 are blocked (23340–23363,');
    expect(text).toMatch(/Passive\s+◐ partial\s+3 of 3 passive data connections worked; sweep: 23340–/);
    expect(text).toMatch(/TLS\s+– skipped/);
    expect(text).toMatch(/^23300 ■{40}×{24}$/m);
    expect(text).toContain('■ open 40');
    expect(text).toContain('× no answer (drop) 24');
    expect(text).not.toContain('q quit');
    const blocked = text.indexOf('✖ PASSIVE_PORTS_BLOCKED (passive) Some passive data ports to 127.0.0.1 are');
    const local = text.indexOf('✖ LOCAL_FIREWALL (passive)');
    expect(blocked).toBeGreaterThan(0);
    expect(local).toBeGreaterThan(blocked);
    expect(text).toContain('Rule: Outbound TCP to 127.0.0.1 ports 23340–23363 is silently dropped');
    expect(text).toContain('Rule: The rule "inet filter output: tcp dport 23340-23363 drop"');
    expect(text).toMatch(/Fix: {2}1\. Change this computer's own firewall first/);
    expect(text).toContain('Who:  you');
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
    const { frame } = view(play([...wholeRun(), { type: 'clients', clients }]));
    const text = frame();
    expect(text).toContain('Will my client work?');
    expect(text).toMatch(/about 42% of transfers will hang \(2,302 of 5,536 passive ports\s+blocked\)/);
    expect(text).toMatch(/^! sometimes\s+FileZilla$/m);
    expect(text).toMatch(/^✔ works\s+Java \(Apache Commons Net\)$/m);
    expect(text).toMatch(/^✖ will not work\s+Web browser/m);
    expect(text).toContain('setting: set ftp:passive-mode off');
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('a sample sweep of the default range counts the ports it left untested', () => {
    const sample: UiAction = {
      type: 'sweep-progress',
      done: 64,
      total: 64,
      counts: { open: 64 },
      runs: [{ from: 60000, to: 60063, state: 'open' }],
    };
    const { frame } = view(reduceUi(initialUiState(wide), sample));
    expect(frame()).toContain('Passive range 60000-65535 · 32 ports per cell · 64/5,536 tested');
    expect(frame()).toContain('■ open 64');
    expect(frame()).toContain('· not tested 5,472');
    expect(frame()).toMatch(/^60000 ■■·{62}$/m);
  });

  it('fits 80 columns at every stage', () => {
    const stages = [play(actions((e) => e.type === 'step-end')), play(actions(startedSweep)), play(wholeRun())];
    for (const state of stages) {
      const { frame } = view({ ...state, showTranscript: true });
      for (const line of frame().split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    }
  });
});

describe('keys and colour', () => {
  it('q and Ctrl-C quit, v toggles the transcript', async () => {
    const { app, calls } = view(play(actions(startedSweep)));
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
    const { frame } = view(reduceUi(play(actions(startedSweep)), { type: 'toggle-transcript' }));
    expect(frame()).toContain('Control transcript (v hides)');
    expect(frame()).toContain('→ PORT 127,0,0,1,');
    expect(frame()).toContain('← 226 Transfer complete.');
    expect(frame()).toContain('v hide control transcript');
  });

  it('uses colours only when allowed, and keeps every symbol without them', () => {
    const state = play(wholeRun());
    const coloured = view(state).app.lastFrame() ?? '';
    ink.cleanup();
    const plain = view(state, { colour: false }).app.lastFrame() ?? '';
    expect(coloured).toMatch(COLOUR_SGR);
    expect(plain).not.toMatch(COLOUR_SGR);
    expect(stripAnsi(plain)).toEqual(stripAnsi(coloured));
  });
});

// The long-session experiments (issue 17), from recorded lab runs.
const recorded = (name: string): ObservationLog =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/${name}.observation.json`, import.meta.url), 'utf8'),
  ) as ObservationLog;

/** The state after the experiment's step ended in a recorded lab run. */
function afterStep(log: ObservationLog, id: StepId): UiState {
  const step = log.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no ${id} step in the recording`);
  return reduceUi(initialUiState(log.settings), { type: 'step-end', step, log });
}

const frame = (state: UiState): string => view(state, { colour: false, keys: false }).frame();

describe('the long-session experiments in the live view', () => {
  it('lists each transfer with size, outcome and removal (recorded upload black hole, reference server)', () => {
    const text = frame(afterStep(recorded('lab-reference-pmtu-blackhole-upload'), 'transfers'));
    expect(text).toMatch(/Transfers \(a stall is 1500 ms without progress/);
    expect(text).toMatch(/download 1 MB \/big\.bin: ok, /);
    expect(text).toMatch(/upload 64 KB \/ftpdoctor-[0-9a-f]{8}-65536\.bin: stalled/);
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('shows the idle probes and the bounds (recorded ct timeout router)', () => {
    const text = frame(afterStep(recorded('lab-reference-ct-timeout-idle'), 'idle-test'));
    expect(text).toMatch(/silent 3 s → answered/);
    expect(text).toMatch(/silent 6 s → no-answer/);
    expect(text).toMatch(/dropped after 3 s–6 s idle/);
  });

  it('shows the refused session of --parallel (recorded vsftpd max_per_ip=3)', () => {
    const text = frame(afterStep(recorded('lab-vsftpd-max-per-ip-parallel'), 'parallel'));
    expect(text).toMatch(/Parallel sessions \(--parallel 6\): 1 opened, besides 2 of the check's own/);
    expect(text).toMatch(/session 2 refused at greeting: 421 There are too many connections/);
  });
});
