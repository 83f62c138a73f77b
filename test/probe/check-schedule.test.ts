import { afterEach, describe, expect, it } from 'vitest';
import type { ObservationLog, ProbeEvent, StepId } from '../../src/observation/index.js';
import { startProbe } from '../../src/probe/index.js';
import { DEFAULT_LIMITS, startServer, type RunningServer } from '../../src/server/index.js';
import { initialUiState, reduceUi, type UiState } from '../../src/ui/ui-state.js';
import { freePortBlock } from './free-ports.js';
import { settingsFor } from './probe-settings.js';

/**
 * How the check schedules its steps, against the real reference server on loopback: independent
 * data probes on parallel sessions (one after another where the server allows one session), the
 * sweep alongside the active probes, and events a view can follow while steps overlap.
 */

const HOST = '127.0.0.1';
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function check(maxSessionsPerIp: number): Promise<{ events: ProbeEvent[]; log: ObservationLog }> {
  const range = await freePortBlock(41, HOST);
  server = await startServer({
    host: HOST,
    port: 0,
    pasvRange: range,
    activeSourcePort: 0,
    limits: { ...DEFAULT_LIMITS, maxSessionsPerIp },
  });
  const probe = startProbe(
    settingsFor(server, HOST, { sweep: 'full', ranges: [range], pasvSamples: 4, activePorts: [0, 0] }),
  );
  const events: ProbeEvent[] = [];
  for await (const e of probe.events) events.push(e);
  return { events, log: await probe.result };
}

function span(log: ObservationLog, id: StepId): [number, number] {
  const step = log.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no ${id} step`);
  return [step.startedMs, step.startedMs + step.elapsedMs];
}

describe('the check schedule', () => {
  it('runs the sweep alongside the active probes; every step starts and ends once, and the view shows both running', async () => {
    const { events, log } = await check(DEFAULT_LIMITS.maxSessionsPerIp);
    expect(log.complete).toBe(true);
    const starts = events.flatMap((e) => (e.type === 'step-start' ? [e.id] : []));
    const ends = events.flatMap((e) => (e.type === 'step-end' ? [e.step.id] : []));
    const ran = log.steps.filter((s) => s.status !== 'skipped').map((s) => s.id);
    expect([...starts].sort()).toEqual([...ran].sort());
    expect([...ends].sort()).toEqual(log.steps.map((s) => s.id).sort());
    for (const id of starts)
      expect(events.findIndex((e) => e.type === 'step-start' && e.id === id)).toBeLessThan(
        events.findIndex((e) => e.type === 'step-end' && e.step.id === id),
      );
    const [activeFrom, activeTo] = span(log, 'active');
    const [sweepFrom, sweepTo] = span(log, 'sweep');
    expect(activeFrom < sweepTo && sweepFrom < activeTo).toBe(true);

    let state: UiState = initialUiState(log.settings);
    let mostRunning = 0;
    for (const e of events) {
      state = reduceUi(state, e);
      mostRunning = Math.max(mostRunning, state.steps.filter((s) => s.status === 'running').length);
    }
    expect(mostRunning).toBe(2);
    expect(state.steps.map((s) => s.id).sort()).toEqual(log.steps.map((s) => s.id).sort());
    expect(state.steps.every((s) => s.status !== 'running')).toBe(true);
    expect(log.passive.map((a) => a.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(log.transcript.some((l) => /parallel control session 2/.test(l.text))).toBe(true);
  });

  it('runs the data probes one after another on the one session a server allows (421 to the next)', async () => {
    const { log } = await check(1);
    expect(log.complete).toBe(true);
    expect(log.passive.map((a) => `${a.command}:${a.outcome}`)).toEqual([
      'PASV:ok',
      'EPSV:ok',
      'PASV:ok',
      'PASV:ok',
      'PASV:ok',
    ]);
    expect(log.active.map((a) => a.outcome)).toEqual(['ok']);
    expect(log.transcript.some((l) => /did not accept another session/.test(l.text))).toBe(true);
  });
});
