import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ObservationLog, StepId } from '../../src/observation/index.js';
import { initialUiState, reduceUi, type UiState } from '../../src/ui/ui-state.js';

// Colour support is decided when chalk loads, so force it before Ink is imported.
process.env.FORCE_COLOR = '1';
let ink: typeof import('ink-testing-library');
let LiveApp: typeof import('../../src/ui/LiveApp.js').LiveApp;
beforeAll(async () => {
  ink = await import('ink-testing-library');
  ({ LiveApp } = await import('../../src/ui/LiveApp.js'));
});
afterEach(() => ink.cleanup());

const recorded = (name: string): ObservationLog =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/${name}.observation.json`, import.meta.url), 'utf8'),
  ) as ObservationLog;
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** The state after the experiment's step ended in a recorded lab run. */
function afterStep(log: ObservationLog, id: StepId): UiState {
  const step = log.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no ${id} step in the recording`);
  return reduceUi(initialUiState(log.settings), { type: 'step-end', step, log });
}

function frame(state: UiState): string {
  const app = ink.render(
    <LiveApp
      state={state}
      width={80}
      colour={false}
      keys={false}
      onQuit={() => undefined}
      onToggleTranscript={() => undefined}
    />,
  );
  return stripAnsi(app.lastFrame() ?? '');
}

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
    expect(text).toMatch(/2 extra sessions opened/);
    expect(text).toMatch(/session 3 refused at greeting: 421 There are too many connections/);
  });
});
