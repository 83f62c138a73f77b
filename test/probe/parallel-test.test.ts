import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/index.js';
import { runProbe } from '../../src/probe/index.js';
import { buildReport, renderMarkdown } from '../../src/report/index.js';
import { schemaErrors } from '../report/report-schema.js';
import { experimentServers, LOOPBACK } from './experiment-server.js';
import { settingsFor } from './probe-settings.js';

const HOST = LOOPBACK;
const start = experimentServers();
const server = (maxSessionsPerIp: number) => start({ limits: { maxSessionsPerIp } });

describe('--parallel against the reference server', () => {
  it('opens every session and lists on all of them at once when the server allows it', async () => {
    const s = await server(32);
    const log = await runProbe(settingsFor(s, HOST, { parallel: 6 }));
    const p = log.parallel;
    expect(p?.opened).toBe(6);
    expect(p?.refusal).toBeUndefined();
    expect(p?.attempts.map((a) => a.outcome)).toEqual(Array(6).fill('ok'));
    expect(new Set(p?.attempts.map((a) => a.advertised?.port)).size).toBe(6);
    expect(p?.reusedPorts).toEqual([]);
    expect(diagnose(log, { require: ['passive'] }).findings.map((f) => f.code)).not.toContain('SESSION_LIMIT');
  });

  it('stops at the first refused session and names the limit, counting the check’s own session', async () => {
    const s = await server(3);
    const log = await runProbe(settingsFor(s, HOST, { parallel: 5 }));
    const p = log.parallel;
    // The server's limit counts the check's own sessions too (its first, and any its data probes hold).
    expect((p?.opened ?? 0) + (p?.ownSessions ?? 0)).toBe(3);
    expect(p?.refusal).toMatchObject({ session: (p?.opened ?? 0) + 1, stage: 'greeting', reply: { code: 421 } });
    expect(p?.attempts.map((a) => a.outcome)).toEqual(Array(p?.opened).fill('ok'));
    // Polite: no fourth or fifth session was tried after the refusal.
    expect(log.transcript.filter((l) => l.dir === 'received' && l.text.startsWith('421')).length).toBe(1);
    const report = buildReport(log, diagnose(log, { require: ['passive'] }), { argv: ['check'], version: '0.1.0' });
    expect(schemaErrors(report)).toBe('');
    const limit = report.findings.filter((f) => f.code === 'SESSION_LIMIT');
    expect(limit.map((f) => f.title)).toEqual(['The server accepts at most 3 sessions from you at once']);
    expect(limit[0]?.fix[0]).toMatch(/at most 2 simultaneous transfers/);
    expect(renderMarkdown(report)).toMatch(/^- session \d refused at greeting: 421 /m);
  });
});
