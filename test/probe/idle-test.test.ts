import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/index.js';
import { runProbe } from '../../src/probe/index.js';
import { buildReport, renderText } from '../../src/report/index.js';
import { schemaErrors } from '../report/report-schema.js';
import { experimentServers, LOOPBACK } from './experiment-server.js';
import { settingsFor } from './probe-settings.js';

const HOST = LOOPBACK;
const start = experimentServers();
const server = (idleTimeoutMs: number) => start({ limits: { idleTimeoutMs } });

describe('the idle control connection test against the reference server', () => {
  it('holds four sessions silent for a quarter, half, three quarters and all of the duration', async () => {
    const s = await server(60_000);
    const log = await runProbe(settingsFor(s, HOST, { idleTestMs: 2000 }));
    const test = log.idleTest;
    expect(test?.probes.map((p) => [p.plannedIdleMs, p.outcome])).toEqual([
      [500, 'answered'],
      [1000, 'answered'],
      [1500, 'answered'],
      [2000, 'answered'],
    ]);
    expect(test?.probes.every((p) => (p.idleMs ?? 0) >= p.plannedIdleMs)).toBe(true);
    expect(test?.survivedMs).toBeGreaterThanOrEqual(2000);
    expect(test?.lostAfterMs).toBeUndefined();
    expect(diagnose(log, { require: ['passive'] }).findings.map((f) => f.code)).not.toContain('IDLE_CONTROL_DROPPED');
  });

  it("tells the server's own idle timeout (421) apart from a middlebox dropping the flow", async () => {
    const s = await server(1200);
    const log = await runProbe(settingsFor(s, HOST, { idleTestMs: 2000 }));
    expect(log.idleTest?.probes.map((p) => p.outcome)).toEqual([
      'answered',
      'answered',
      'server-closed',
      'server-closed',
    ]);
    expect(log.idleTest?.probes[2]?.reply?.code).toBe(421);
    expect(log.idleTest?.lostAfterMs).toBeUndefined();
    const report = buildReport(log, diagnose(log, { require: ['passive'] }), { argv: ['check'], version: '0.1.0' });
    expect(schemaErrors(report)).toBe('');
    const idle = report.findings.filter((f) => f.code === 'IDLE_CONTROL_DROPPED');
    expect(idle.map((f) => [f.severity, f.where])).toEqual([['info', 'server-side']]);
    expect(renderText(report)).toMatch(/^ {2}silent 2 s → server-closed \(421 Idle timeout/m);
  });
});
