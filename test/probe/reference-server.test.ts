import { itIf, missing } from '../requirements.js';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, startServer, type RunningServer } from '../../src/server/index.js';
import { runProbe, startProbe } from '../../src/probe/index.js';
import type { ObservationLog } from '../../src/observation/index.js';
import type { ProbeEvent } from '../../src/observation/index.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { dataPath, EVERY_PATH_OPEN_UNDER_TLS_AUTO } from './data-paths.js';
import { freePortBlock, occupyPort } from './free-ports.js';
import { decodePasvReply } from '../../src/ftp/host-port.js';
import { ControlChannel } from '../../src/probe/control-channel.js';
import { Transcript } from '../../src/probe/transcript.js';
import { settingsFor } from './probe-settings.js';

const PASSWORD = 'pr0be-s3cret-Xq';

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
    server = await startServer({
      host,
      port: 0,
      pasvRange: await freePortBlock(61, host),
      activeSourcePort: 0,
      user: 'alice',
      password: PASSWORD,
      limits: { ...DEFAULT_LIMITS, loginFailureDelayMs: 20 },
    });
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
    expect(passiveOutcomes(log)).toEqual([
      host === '127.0.0.1' ? 'PASV/clear:ok' : 'PASV/clear:command-refused',
      'EPSV/clear:ok',
    ]);
    expect(activeOutcomes(log)).toEqual([host === '127.0.0.1' ? 'PORT/clear:ok' : 'EPRT/clear:ok']);
    const transfer = log.passive.find((a) => a.outcome === 'ok')?.connections[0]?.transfer;
    expect(transfer?.bytes).toBeGreaterThan(0);
    expect(log.active[0]?.inbound?.from?.address).toBe(host);
    expect(log.active[0]?.serverReceived).toBe(log.active[0]?.sentArgument);
    expect(JSON.stringify(log)).not.toContain(PASSWORD);
    expect(log.transcript.some((l) => l.text === 'PASS ***')).toBe(true);
  });

  it('runs passive and active both protected and clear under explicit TLS, resuming the TLS session', async () => {
    const log = await runProbe(settingsFor(server, host, { user: 'alice', tls: 'explicit', insecure: true }), {
      password: PASSWORD,
    });
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

  it('with TLS only if available, keeps a real password off the wire: no plain-text comparison session', async () => {
    const log = await runProbe(settingsFor(server, host, { user: 'alice', tls: 'auto', insecure: true }), {
      password: PASSWORD,
    });
    expect(log.tls?.established).toBe(true);
    expect(log.passive.every((a) => a.controlTls === true)).toBe(true);
    expect(log.active.every((a) => a.controlTls === true)).toBe(true);
  });

  it('stops at an untrusted certificate unless told to go on', async () => {
    const log = await runProbe(settingsFor(server, host, { user: 'alice', tls: 'explicit' }), { password: PASSWORD });
    expect(log.tls?.established).toBe(false);
    expect(log.tls?.error?.code).toBe('E_TLS_CERT');
    expect(log.tls?.certificate?.subject).toBeTruthy();
    expect(log.login).toBeUndefined();
    expect(log.steps.find((s) => s.id === 'passive')?.status).toBe('skipped');
  });

  it('with TLS only if available and a password, stops at an untrusted certificate: the password never goes out in clear', async () => {
    const log = await runProbe(settingsFor(server, host, { user: 'alice', tls: 'auto' }), { password: PASSWORD });
    expect(log.tls).toMatchObject({ requested: 'auto', established: false, error: { code: 'E_TLS_CERT' } });
    expect(log.tls?.fellBackToPlain).toBeUndefined();
    expect(log.login).toBeUndefined();
    expect(log.steps.find((s) => s.id === 'auth-tls')?.summary).toMatch(/--insecure.*--no-tls/);
    expect(log.steps.filter((s) => ['login', 'passive', 'active'].includes(s.id)).map((s) => s.status)).toEqual([
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(log.transcript.filter((l) => l.dir === 'sent').map((l) => l.text)).toEqual(['AUTH TLS']);
    const cert = diagnose(log, { require: ['passive'] }).findings.find((f) => f.code === 'TLS_CERT_UNTRUSTED');
    expect(cert?.severity).toBe('error');
    expect(cert?.fix.join(' ')).toMatch(/--insecure[^]*--no-tls/);
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
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      implicitPort: 0,
      pasvRange: await freePortBlock(21),
      activeSourcePort: 0,
      requireTlsReuse: true,
    });
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
    expect(
      log.passive.filter((a) => a.protection === 'private').every((a) => a.connections[0]?.tls?.sessionReused === true),
    ).toBe(true);
  });

  it('recognises a TLS-first port when probed in plain text', async () => {
    const port = server.implicitPort ?? 0;
    const log = await runProbe({ ...settingsFor(server, '127.0.0.1'), port, stepTimeoutMs: 1000 }, {});
    expect(log.control.greeting?.kind).toBe('tls');
    expect(log.steps.find((s) => s.id === 'login')?.status).toBe('skipped');
  });
});

describe('TLS if available, anonymous', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, pasvRange: await freePortBlock(21), activeSourcePort: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('compares data under a TLS control session with a plain-text one (what an FTP ALG can see)', async () => {
    const log = await runProbe({ ...settingsFor(server, '127.0.0.1'), tls: 'auto', insecure: true }, {});
    expect(log.passive.filter((a) => a.purpose === 'probe').map(dataPath)).toEqual(
      EVERY_PATH_OPEN_UNDER_TLS_AUTO.passive,
    );
    expect(log.active.map(dataPath)).toEqual(EVERY_PATH_OPEN_UNDER_TLS_AUTO.active);
    expect(log.transcript.filter((l) => l.dir === 'sent' && l.text === 'AUTH TLS').length).toBeGreaterThanOrEqual(2);
  });

  it('records an untrusted certificate, then checks everything in plain text on a fresh session', async () => {
    const range = server.config.pasvRange;
    const log = await runProbe(
      { ...settingsFor(server, '127.0.0.1'), tls: 'auto', sweep: 'full', ranges: [range] },
      {},
    );
    expect(log.tls).toMatchObject({
      requested: 'auto',
      established: false,
      fellBackToPlain: true,
      error: { code: 'E_TLS_CERT' },
    });
    expect(log.tls?.certificate?.selfSigned).toBe(true);
    expect(log.steps.find((s) => s.id === 'auth-tls')?.status).toBe('warn');
    expect(log.login?.ok).toBe(true);
    expect(passiveOutcomes(log)).toEqual(['PASV/clear:ok', 'EPSV/clear:ok']);
    expect(activeOutcomes(log)).toEqual(['PORT/clear:ok']);
    expect([...log.passive, ...log.active].every((a) => a.controlTls === false)).toBe(true);
    expect(log.sweep?.portsTested).toBe(range[1] - range[0] + 1);
    // One AUTH TLS only: the fresh session starts in plain text, and logs in there.
    const sent = log.transcript.filter((l) => l.dir === 'sent').map((l) => l.text.split(' ')[0]);
    expect(sent.filter((c) => c === 'AUTH')).toHaveLength(1);
    expect(sent.slice(sent.indexOf('AUTH') + 1, sent.indexOf('AUTH') + 3)).toEqual(['USER', 'PASS']);
    expect(log.complete).toBe(true);
    const d = diagnose(log, { require: ['passive', 'active'] });
    expect(d.findings.find((f) => f.code === 'TLS_CERT_UNTRUSTED')?.severity).toBe('warning');
    expect([d.channels.passive.status, d.channels.active.status, d.verdict]).toEqual(['ok', 'ok', 'ok']);
  });

  it('with --tls (explicit), still stops at an untrusted certificate, even when anonymous', async () => {
    const log = await runProbe({ ...settingsFor(server, '127.0.0.1'), tls: 'explicit' }, {});
    expect(log.tls).toMatchObject({ established: false, error: { code: 'E_TLS_CERT' } });
    expect(log.tls?.fellBackToPlain).toBeUndefined();
    expect(log.login).toBeUndefined();
    expect(log.passive).toEqual([]);
    expect(log.active).toEqual([]);
  });
});

describe('sweep wiring against the reference server in sweep mode', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      pasvRange: await freePortBlock(31),
      activeSourcePort: 0,
      sweepMode: true,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('hands the token, the connect RTT and the advertised ports to the sweep and records its runs', async () => {
    const progress: number[] = [];
    const calibrated: Array<{ afterProgress: number; calibration: unknown }> = [];
    const log = await runProbe(
      { ...settingsFor(server, '127.0.0.1'), sweep: 'full', ranges: [server.config.pasvRange], pasvSamples: 3 },
      {
        onEvent: (e) => {
          if (e.type === 'sweep-progress') progress.push(e.done);
          if (e.type === 'sweep-calibrated')
            calibrated.push({ afterProgress: progress.length, calibration: e.calibration });
        },
      },
    );
    // The views get the calibration before the sweep's first port, and it is the one the log keeps.
    expect(calibrated).toEqual([{ afterProgress: 0, calibration: log.sweep?.calibration }]);
    const [from, to] = server.config.pasvRange;
    // The server lists what it could bind; a port another suite grabbed meanwhile is left out.
    const listening = log.serverView?.sweep?.ranges ?? [];
    const listeningCount = listening.reduce((n, [a, b]) => n + b - a + 1, 0);
    expect(listening.every(([a, b]) => a >= from && b <= to)).toBe(true);
    expect(listeningCount).toBeGreaterThan(0);
    expect(log.passive.filter((a) => a.purpose === 'sample')).toHaveLength(2);
    expect(log.sweep?.cooperative).toBe(true);
    expect(log.sweep?.portsTested).toBe(31);
    expect(log.sweep?.counts.open).toBe(listeningCount);
    expect(log.sweep?.runs[0]?.from).toBe(from);
    expect(log.sweep?.runs.at(-1)?.to).toBe(to);
    expect(
      log.passive.filter((a) => a.advertised).every((a) => a.advertised!.port >= from && a.advertised!.port <= to),
    ).toBe(true);
    expect(log.sweep?.timing.initialRttMs).toBe(Math.max(1, log.control.connect?.elapsedMs ?? 0));
    expect(progress.at(-1)).toBe(31);
  });

  it('takes a connection to a pending PASV port as data, and after ABOR answers it with a token (why the engine sends ABOR before sweeping)', async () => {
    const signal = new AbortController().signal;
    const channel = new ControlChannel(
      await openSocket(server.port),
      new Transcript(performance.now(), () => undefined),
    );
    const opened: Socket[] = [];
    try {
      await channel.read(3000, signal);
      await channel.send('USER anonymous', 3000, signal);
      expect((await channel.send('PASS probe@', 3000, signal)).code).toBe(230);
      const pasvPort = async (): Promise<number> => {
        const decoded = decodePasvReply((await channel.send('PASV', 3000, signal)).text);
        if (!decoded.ok) throw new Error(decoded.reason);
        return decoded.value.port;
      };

      const taken = await pasvPort();
      const asData = await openSocket(taken);
      opened.push(asData);
      const listing = firstLine(asData);
      expect((await channel.send('LIST', 3000, signal)).code).toBe(150);
      expect(await listing).not.toMatch(/^FTPDOCTOR /);
      expect((await channel.read(3000, signal)).code).toBe(226);

      const released = await pasvPort();
      expect((await channel.send('ABOR', 3000, signal)).code).toBe(226);
      const swept = await openSocket(released);
      opened.push(swept);
      expect(await firstLine(swept)).toBe(`FTPDOCTOR ${server.serverId} ${released} 127.0.0.1`);
    } finally {
      channel.close();
      for (const s of opened) s.destroy();
    }
  });
});

describe('probe against a reference server that advertises a private PASV address', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      pasvRange: await freePortBlock(21),
      pasvAddress: '10.1.2.3',
      activeSourcePort: 0,
    });
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

describe('environment and this computer', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, pasvRange: await freePortBlock(11), activeSourcePort: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends EPRT on IPv4 when asked, and the server receives it as sent', async () => {
    const log = await runProbe({ ...settingsFor(server, '127.0.0.1'), useEprt: true }, {});
    const [active] = log.active;
    expect(active?.command).toBe('EPRT');
    expect(active?.sentArgument).toMatch(/^\|1\|127\.0\.0\.1\|\d+\|$/);
    expect(active?.serverReceived).toBe(active?.sentArgument);
    expect(active?.outcome).toBe('ok');
  });

  it('listens for active mode on the first free port of the given range', async () => {
    const taken = await occupyPort('127.0.0.1');
    try {
      const log = await runProbe(
        { ...settingsFor(server, '127.0.0.1'), activePorts: [taken.port, taken.port + 10] },
        {},
      );
      const listen = log.active[0]?.listen;
      expect(listen && 'port' in listen ? listen.port : 0).toBeGreaterThan(taken.port);
      expect(listen && 'port' in listen ? listen.port : 0).toBeLessThanOrEqual(taken.port + 10);
      expect(log.active[0]?.outcome).toBe('ok');
    } finally {
      await taken.release();
    }
  });

  itIf(missing({ linux: true, root: true }))(
    'records the environment and reads the local nftables ruleset read-only',
    async () => {
      const log = await runProbe({ ...settingsFor(server, '127.0.0.1'), pasvSamples: 1 }, {});
      expect(log.environment.node).toBe(process.version);
      expect(log.environment.localAddresses).toContain('127.0.0.1');
      expect(log.environment.ephemeralPorts?.[0]).toBeGreaterThan(1023);
      expect(log.environment.fdLimit).toBeGreaterThan(0);
      expect(log.localFirewall).toMatchObject({ platform: 'linux', readable: true, source: 'nft' });
      expect(log.localFirewall?.ruleset).toContain('nftables');
    },
  );
});

describe('choosing the address', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, pasvRange: await freePortBlock(11), activeSourcePort: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('resolves a name through the system resolver and uses the requested family', async () => {
    const log = await runProbe({ ...settingsFor(server, 'localhost'), family: 4 }, {});
    expect(log.resolve?.addresses).toContainEqual({ address: '127.0.0.1', family: 4 });
    expect(log.resolve?.used).toBe('127.0.0.1');
    expect(log.control.connect?.address).toBe('127.0.0.1');
    expect(log.login?.ok).toBe(true);
  });

  it('refuses a literal address of the other family without connecting', async () => {
    const log = await runProbe({ ...settingsFor(server, '127.0.0.1'), family: 6 }, {});
    expect(log.resolve?.error?.code).toBe('E_FAMILY');
    expect(log.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'resolve:fail',
      'control-connect:skipped',
      'greeting:skipped',
      'login:skipped',
      'features:skipped',
      'server-view:skipped',
      'passive:skipped',
      'tls-reuse:skipped',
      'active:skipped',
      'sweep:skipped',
      expect.stringMatching(/^local-firewall:/),
    ]);
    expect(log.control.connect).toBeUndefined();
  });
});

describe('events and stopping', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, pasvRange: await freePortBlock(21), activeSourcePort: 0 });
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
    let stoppedAt = 0;
    const run = runProbe(settingsFor(server, '127.0.0.1'), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type !== 'step-end' || e.step.id !== 'login') return;
        stoppedAt = performance.now();
        controller.abort();
      },
    });
    const log = await run;
    // Timed from the signal, not from the start: the steps before it take what a busy machine gives them.
    expect(performance.now() - stoppedAt).toBeLessThan(2000);
    expect(log.complete).toBe(false);
    expect(log.abortReason).toBe('signal');
    expect(log.login?.ok).toBe(true);
    expect(log.passive).toEqual([]);
  });
});

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The first line a data or sweep connection carries (bounded: the test fails rather than hangs). */
function firstLine(socket: Socket, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`no line within ${timeoutMs} ms (got ${JSON.stringify(text)})`)),
      timeoutMs,
    );
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end === -1) return;
      clearTimeout(timer);
      resolve(text.slice(0, end));
    });
  });
}
