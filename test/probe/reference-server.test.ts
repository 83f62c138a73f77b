import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { defaultSettings, runProbe, startProbe } from '../../src/probe/engine.js';
import type { ObservationLog, ProbeSettings } from '../../src/probe/observation.js';
import type { ProbeEvent } from '../../src/probe/events.js';

const PASSWORD = 'pr0be-s3cret-Xq';

function settingsFor(server: RunningServer, host: string, extra: Partial<ProbeSettings> = {}): ProbeSettings {
  return {
    ...defaultSettings(host),
    port: server.port,
    sweep: 'off',
    pasvSamples: 1,
    activePorts: [47100, 47140],
    stepTimeoutMs: 3000,
    timeoutMs: 30_000,
    ...extra,
  };
}

function passiveOutcomes(log: ObservationLog): string[] {
  return log.passive.filter((a) => a.purpose === 'probe').map((a) => `${a.command}/${a.protection}:${a.outcome}`);
}

function activeOutcomes(log: ObservationLog): string[] {
  return log.active.map((a) => `${a.command}/${a.protection}:${a.outcome}`);
}

describe.each([
  ['IPv4', '127.0.0.1'],
  ['IPv6', '::1'],
])('probe against the reference server over %s', (_name, host) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host, port: 0, pasvRange: [47200, 47260], activeSourcePort: 0, user: 'alice', password: PASSWORD });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('records every step working in plain text, passive and active', async () => {
    const log = await runProbe(settingsFor(server, host, { user: 'alice' }), { password: PASSWORD });
    expect(log.complete).toBe(true);
    expect(log.control.connect?.state).toBe('open');
    expect(log.control.greeting?.kind).toBe('ftp');
    expect(log.login?.ok).toBe(true);
    expect(log.features?.features).toContainEqual(expect.stringMatching(/^FTPDOCTOR/));
    expect(log.serverView?.peer?.address).toBe(host);
    // RFC 2428 §1: PASV cannot name an IPv6 address, so the server refuses it on ::1.
    expect(passiveOutcomes(log)).toEqual([host === '127.0.0.1' ? 'PASV/clear:ok' : 'PASV/clear:command-refused', 'EPSV/clear:ok']);
    expect(activeOutcomes(log)).toEqual([host === '127.0.0.1' ? 'PORT/clear:ok' : 'EPRT/clear:ok']);
    const transfer = log.passive.find((a) => a.outcome === 'ok')?.connections[0]?.transfer;
    expect(transfer?.bytes).toBeGreaterThan(0);
    expect(log.active[0]?.inbound?.from?.address).toBe(host);
    expect(log.active[0]?.serverReceived).toBe(log.active[0]?.sentArgument);
    expect(JSON.stringify(log)).not.toContain(PASSWORD);
    expect(log.transcript.some((l) => l.text === 'PASS ***')).toBe(true);
  });

  it('runs passive and active both protected and clear under explicit TLS, resuming the TLS session', async () => {
    const log = await runProbe(settingsFor(server, host, { user: 'alice', tls: 'explicit', insecure: true }), { password: PASSWORD });
    expect(log.tls?.established).toBe(true);
    expect(log.tls?.insecureAccepted).toBe(true);
    expect(log.tls?.certificate?.selfSigned).toBe(true);
    expect(log.tls?.protReply?.code).toBe(200);
    const epsv = log.passive.filter((a) => a.command === 'EPSV' && a.purpose === 'probe');
    expect(epsv.map((a) => `${a.protection}:${a.outcome}`)).toEqual(['private:ok', 'clear:ok']);
    const protectedData = epsv[0]?.connections[0]?.tls;
    expect(protectedData?.ok).toBe(true);
    expect(protectedData?.sessionReused).toBe(true);
    expect(activeOutcomes(log).map((o) => o.split('/')[1])).toEqual(['private:ok', 'clear:ok']);
    expect(log.active[0]?.tls?.ok).toBe(true);
  });

  it('stops at an untrusted certificate unless told to go on', async () => {
    const log = await runProbe(settingsFor(server, host, { user: 'alice', tls: 'explicit' }), { password: PASSWORD });
    expect(log.tls?.established).toBe(false);
    expect(log.tls?.error?.code).toBe('E_TLS_CERT');
    expect(log.tls?.certificate?.subject).toBeTruthy();
    expect(log.login).toBeUndefined();
    expect(log.steps.find((s) => s.id === 'passive')?.status).toBe('skipped');
  });

  it('records a refused login as such and goes no further', async () => {
    const log = await runProbe(settingsFor(server, host, { user: 'alice' }), { password: 'wrong-password' });
    expect(log.login?.ok).toBe(false);
    expect(log.login?.passReply?.code).toBe(530);
    expect(log.steps.find((s) => s.id === 'login')?.status).toBe('fail');
    expect(log.passive).toEqual([]);
    expect(JSON.stringify(log)).not.toContain('wrong-password');
  });
});

describe('probe against the reference server speaking implicit FTPS', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, implicitPort: 0, pasvRange: [47330, 47350], activeSourcePort: 0, requireTlsReuse: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('does TLS from the first byte and resumes the session on every protected data connection', async () => {
    const port = server.implicitPort ?? 0;
    const log = await runProbe({ ...settingsFor(server, '127.0.0.1'), port, tls: 'implicit', insecure: true }, {});
    expect(log.control.implicitTls).toBe(true);
    expect(log.tls?.requested).toBe('implicit');
    expect(log.tls?.established).toBe(true);
    expect(log.steps.find((s) => s.id === 'auth-tls')?.status).toBe('ok');
    expect(passiveOutcomes(log)).toEqual(['PASV/private:ok', 'EPSV/private:ok', 'PASV/clear:ok', 'EPSV/clear:ok']);
    expect(activeOutcomes(log)).toEqual(['PORT/private:ok', 'PORT/clear:ok']);
    expect(log.passive.filter((a) => a.protection === 'private').every((a) => a.connections[0]?.tls?.sessionReused === true)).toBe(true);
  });

  it('recognises a TLS-first port when probed in plain text', async () => {
    const port = server.implicitPort ?? 0;
    const log = await runProbe({ ...settingsFor(server, '127.0.0.1'), port, stepTimeoutMs: 1000 }, {});
    expect(log.control.greeting?.kind).toBe('tls');
    expect(log.steps.find((s) => s.id === 'login')?.status).toBe('skipped');
  });
});

describe('sweep wiring against the reference server in sweep mode', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, pasvRange: [47360, 47390], activeSourcePort: 0, sweepMode: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('hands the token, the connect RTT and the advertised ports to the sweep and records its runs', async () => {
    const progress: number[] = [];
    const log = await runProbe(
      { ...settingsFor(server, '127.0.0.1'), sweep: 'full', ranges: [[47360, 47390]], pasvSamples: 3 },
      { onEvent: (e) => e.type === 'sweep-progress' && progress.push(e.done) },
    );
    expect(log.serverView?.sweep?.ranges).toEqual([[47360, 47390]]);
    expect(log.passive.filter((a) => a.purpose === 'sample')).toHaveLength(2);
    expect(log.sweep?.cooperative).toBe(true);
    expect(log.sweep?.portsTested).toBe(31);
    expect(log.sweep?.runs).toEqual([{ from: 47360, to: 47390, state: 'open' }]);
    expect(log.sweep?.timing.initialRttMs).toBe(Math.max(1, log.control.connect?.elapsedMs ?? 0));
    expect(progress.at(-1)).toBe(31);
  });
});

describe('probe against a reference server that advertises a private PASV address', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, pasvRange: [47270, 47290], pasvAddress: '10.1.2.3', activeSourcePort: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('never connects to the advertised third host by default, and tests the control peer instead', async () => {
    const log = await runProbe(settingsFor(server, '127.0.0.1'), {});
    const pasv = log.passive.find((a) => a.command === 'PASV');
    expect(pasv?.advertised?.address).toBe('10.1.2.3');
    expect(pasv?.advertised?.addressClass).toBe('private');
    expect(pasv?.advertisedSkipped).toMatch(/10\.1\.2\.3/);
    expect(pasv?.connections.map((c) => `${c.via}:${c.connect.address}`)).toEqual(['control-peer:127.0.0.1']);
    expect(pasv?.outcome).toBe('ok');
    expect(pasv?.serverSent).toContain('10,1,2,3');
  });
});

describe('events and stopping', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, pasvRange: [47300, 47320], activeSourcePort: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('streams step and transcript events ending with run-end carrying the same log', async () => {
    const { events, result } = startProbe(settingsFor(server, '127.0.0.1'), {});
    const seen: ProbeEvent[] = [];
    for await (const e of events) seen.push(e);
    const log = await result;
    expect(seen[0]?.type).toBe('run-start');
    expect(seen.at(-1)).toEqual({ type: 'run-end', log });
    const ended = seen.flatMap((e) => (e.type === 'step-end' ? [e.step.id] : []));
    expect(ended).toEqual(log.steps.map((s) => s.id));
    expect(seen.filter((e) => e.type === 'transcript').length).toBe(log.transcript.length);
  });

  it('returns the partial log promptly when the signal fires', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runProbe(settingsFor(server, '127.0.0.1'), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step-end' && e.step.id === 'login') controller.abort();
      },
    });
    const log = await run;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(log.complete).toBe(false);
    expect(log.abortReason).toBe('signal');
    expect(log.login?.ok).toBe(true);
    expect(log.passive).toEqual([]);
  });
});
