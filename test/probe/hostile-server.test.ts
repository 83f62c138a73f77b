import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { runProbe } from '../../src/probe/index.js';
import type { ObservationLog, ProbeSettings } from '../../src/observation/index.js';
import { freePortBlock } from './free-ports.js';
import {
  listThenDone,
  loginAnyone,
  SCRIPTED_HOST as HOST,
  scriptedProbeSettings,
  scriptedServers,
} from './scripted-ftp.js';
import {
  converse,
  hostPortNumbers,
  pasvReply,
  startDataListener,
  startScripted,
  type ScriptedServer,
} from './scripted-server.js';

const STEP_MS = 1200;
const servers = scriptedServers();
const { track } = servers;

function settings(port: number, extra: Partial<ProbeSettings> = {}): ProbeSettings {
  return scriptedProbeSettings(port, { stepTimeoutMs: STEP_MS, ...extra });
}

function stepStatus(log: ObservationLog, id: string): string | undefined {
  return log.steps.find((s) => s.id === id)?.status;
}

/** Serves one listing on a data listener and closes it. */
async function listingListener(payload: string): Promise<ScriptedServer> {
  return track(startDataListener(HOST, (socket) => socket.end(payload)));
}

describe('probe against a scripted misbehaving server', () => {
  it('accepts replies with bare LF and a greeting with no line end at all', async () => {
    const data = await listingListener('file-a\r\nfile-b\r\n');
    const server = await servers.ftp(
      loginAnyone(
        {
          PASV: () => pasvReply(hostPortNumbers(HOST, data.port), '\n'),
          LIST: listThenDone('\n'),
          PORT: () => '500 Illegal PORT command.\n',
        },
        '\n',
      ),
      { greeting: '220 no line end here' },
    );
    const log = await runProbe(settings(server.port, { stepTimeoutMs: 3000 }), {});
    expect(log.control.greeting?.kind).toBe('ftp');
    expect(log.control.greeting?.reply?.text).toBe('220 no line end here');
    expect(log.transcript.some((l) => l.dir === 'note' && /without a line terminator/.test(l.text))).toBe(true);
    expect(log.login?.ok).toBe(true);
    const pasv = log.passive.find((a) => a.command === 'PASV');
    expect(pasv?.outcome).toBe('ok');
    expect(pasv?.connections[0]?.transfer?.bytes).toBe(16);
    expect(log.passive.find((a) => a.command === 'EPSV')?.outcome).toBe('command-refused');
    expect(log.active[0]?.outcome).toBe('command-refused');
    expect(log.active[0]?.portReply?.text).toBe('500 Illegal PORT command.');
  });

  it('keeps a 1 MB multi-line reply bounded and goes on', async () => {
    const huge = `211-Features:\r\n${` X${'y'.repeat(98)}\r\n`.repeat(10_000)}211 End\r\n`;
    const server = await servers.ftp(loginAnyone({ FEAT: () => huge }));
    const log = await runProbe(settings(server.port, { stepTimeoutMs: 3000 }), {});
    expect(log.features?.featReply?.truncated).toBe(true);
    expect(log.features?.featReply?.text.length).toBeLessThanOrEqual(64 * 1024);
    expect(stepStatus(log, 'features')).toBe('ok');
    expect(log.transcript.length).toBeLessThan(1000);
    expect(log.passive.map((a) => a.outcome)).toEqual(['command-refused', 'command-refused']);
  });

  it('gives up on a greeting that trickles in one byte per second', async () => {
    const server = await track(
      startScripted(HOST, (socket) => {
        const text = Buffer.from('220 slow server ready\r\n');
        let i = 0;
        const timer = setInterval(() => {
          if (i >= text.length || socket.destroyed) return clearInterval(timer);
          socket.write(text.subarray(i, ++i));
        }, 1000);
        socket.on('close', () => clearInterval(timer));
      }),
    );
    const started = Date.now();
    const log = await runProbe(settings(server.port), {});
    expect(Date.now() - started).toBeLessThan(STEP_MS + 3000);
    expect(log.control.greeting?.kind).toBe('slow');
    expect(log.control.greeting?.firstBytes).toMatch(/^2/);
    expect(log.control.closedEarly?.code).toBe('E_TIMEOUT');
    expect(stepStatus(log, 'login')).toBe('skipped');
  });

  it('records a 227 with numbers above 255 as a bad reply', async () => {
    const server = await servers.ftp(loginAnyone({ PASV: () => pasvReply('127,0,0,1,300,20') }));
    const log = await runProbe(settings(server.port), {});
    const pasv = log.passive.find((a) => a.command === 'PASV');
    expect(pasv?.outcome).toBe('bad-reply');
    expect(pasv?.parseError).toMatch(/300 is above 255/);
    expect(pasv?.connections).toEqual([]);
  });

  it('does not connect to a third host named in a 227; tests the control peer instead', async () => {
    const data = await listingListener('only-file\r\n');
    const server = await servers.ftp(
      loginAnyone({
        PASV: () => pasvReply(hostPortNumbers('192.0.2.44', data.port)),
        LIST: listThenDone(),
      }),
    );
    const log = await runProbe(settings(server.port), {});
    const pasv = log.passive.find((a) => a.command === 'PASV');
    expect(pasv?.advertised).toEqual({ address: '192.0.2.44', port: data.port, addressClass: 'documentation' });
    expect(pasv?.advertisedSkipped).toMatch(/192\.0\.2\.44/);
    expect(pasv?.connections.map((c) => c.connect.address)).toEqual([HOST]);
    expect(pasv?.connections[0]?.via).toBe('control-peer');
    expect(pasv?.outcome).toBe('ok');
    expect(data.accepted).toBe(1);
  });

  it('records a reset in the middle of a multi-line reply', async () => {
    const server = await servers.ftp(
      loginAnyone({
        USER: (_c, s) => {
          s.write('331-first line\r\n331-second li');
          setTimeout(() => s.resetAndDestroy(), 30);
          return undefined;
        },
      }),
    );
    const log = await runProbe(settings(server.port), {});
    expect(stepStatus(log, 'login')).toBe('fail');
    expect(log.control.closedEarly?.code).toBe('E_RESET');
    expect(log.control.closedEarly?.reason).toMatch(/ECONNRESET/);
    expect(stepStatus(log, 'passive')).toBe('skipped');
  });

  it('records a listener that accepts and never says a word as silent', async () => {
    const server = await track(startScripted(HOST, () => undefined));
    const started = Date.now();
    const log = await runProbe(settings(server.port), {});
    expect(Date.now() - started).toBeLessThan(STEP_MS * 3);
    expect(log.control.connect?.state).toBe('open');
    expect(log.control.greeting?.kind).toBe('silent');
    expect(log.control.greeting?.firstBytes).toBe('');
    expect(log.control.closedEarly?.code).toBe('E_TIMEOUT');
    expect(log.complete).toBe(true);
  });

  it('tells a data connection that never carries a byte from one that stalls', async () => {
    const silentData = await track(startDataListener(HOST, () => undefined));
    const stallingData = await track(startDataListener(HOST, (socket) => socket.write('x'.repeat(100))));
    const server = await servers.ftp(
      loginAnyone({
        PASV: () => pasvReply(hostPortNumbers(HOST, silentData.port)),
        EPSV: () => `229 Entering Extended Passive Mode (|||${stallingData.port}|)\r\n`,
        LIST: () => '150 Here it comes\r\n',
      }),
    );
    const log = await runProbe(settings(server.port), {});
    const [pasv, epsv] = log.passive;
    expect(pasv?.outcome).toBe('no-data');
    expect(pasv?.connections[0]?.transfer).toMatchObject({ result: 'no-data', bytes: 0 });
    expect(epsv?.outcome).toBe('stalled');
    expect(epsv?.connections[0]?.transfer).toMatchObject({ result: 'stalled', bytes: 100 });
    // Each stuck transfer left the session out of step; the engine opened a fresh one for the next probe.
    expect(server.accepted).toBeGreaterThanOrEqual(2);
  });

  it.each<[string, (socket: Socket) => void, string, number]>([
    [
      '120 then 220 is an FTP server that made us wait (RFC 959 §5.4)',
      (socket) => {
        socket.write('120 Service ready in a moment\r\n');
        setTimeout(() => converse(socket, '220 Ready now\r\n', loginAnyone()), 100);
      },
      'ftp',
      220,
    ],
    [
      '421 at once is an FTP server refusing service',
      (socket) => socket.end('421 Too many connections\r\n'),
      'ftp-busy',
      421,
    ],
    ['an SSH banner', (socket) => socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'), 'ssh', 0],
    ['a mail server greeting with 220', (socket) => socket.write('220 mx.example.org ESMTP Postfix\r\n'), 'smtp', 220],
    [
      'an HTTP server, which answers only the nudge',
      (socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')),
      'http',
      0,
    ],
    ['a connection closed without a word', (socket) => socket.end(), 'closed', 0],
  ])('greeting: %s', async (_name, behaviour, kind, code) => {
    const server = await track(startScripted(HOST, behaviour));
    const log = await runProbe(settings(server.port, { stepTimeoutMs: 800 }), {});
    expect(log.control.greeting?.kind).toBe(kind);
    expect(log.control.greeting?.reply?.code ?? 0).toBe(code);
    expect(stepStatus(log, 'login')).toBe(kind === 'ftp' ? 'ok' : 'skipped');
  });

  it('records a refused control connect as a reset, with errno, address and port', async () => {
    const closed = await startScripted(HOST, () => undefined);
    const port = closed.port;
    await closed.close();
    const log = await runProbe(settings(port), {});
    expect(log.control.connect).toMatchObject({ state: 'reset', errno: 'ECONNREFUSED', address: HOST, port });
    expect(stepStatus(log, 'control-connect')).toBe('fail');
    expect(stepStatus(log, 'greeting')).toBe('skipped');
  });

  it('goes on in plain text when AUTH TLS is refused and TLS is only wanted if available', async () => {
    const server = await servers.ftp(loginAnyone({ AUTH: () => '502 AUTH not supported\r\n' }));
    const log = await runProbe(settings(server.port, { tls: 'auto' }), {});
    expect(log.tls).toMatchObject({
      requested: 'auto',
      established: false,
      authReply: { code: 502, text: '502 AUTH not supported' },
    });
    expect(stepStatus(log, 'auth-tls')).toBe('warn');
    expect(log.login?.ok).toBe(true);
    expect(log.passive.every((a) => a.protection === 'clear' && a.controlTls === false)).toBe(true);
  });

  it('logs in with a password in plain text when the server itself refuses AUTH TLS', async () => {
    const server = await servers.ftp(loginAnyone({ AUTH: () => '504 AUTH not supported\r\n' }));
    const log = await runProbe(settings(server.port, { tls: 'auto', user: 'alice', passwordSupplied: true }), {
      password: 's3cret-auto',
    });
    expect(log.tls?.fellBackToPlain).toBe(true);
    expect(log.login?.ok).toBe(true);
  });

  it('never sends a password in plain text after a TLS handshake broke past 234 (a downgrade)', async () => {
    const commands: string[] = [];
    const server = await servers.ftp(
      loginAnyone({
        AUTH: (_c, s) => {
          s.end('234 go ahead\r\nthis is not a TLS ServerHello\r\n');
          return undefined;
        },
        USER: (c) => {
          commands.push(c);
          return '331 Password please\r\n';
        },
        PASS: (c) => {
          commands.push(c);
          return '230 Logged in\r\n';
        },
      }),
    );
    const log = await runProbe(settings(server.port, { tls: 'auto', user: 'alice', passwordSupplied: true }), {
      password: 's3cret-auto',
    });
    expect(log.tls?.established).toBe(false);
    expect(stepStatus(log, 'auth-tls')).toBe('fail');
    expect(log.login).toBeUndefined();
    expect(commands).toEqual([]);
    expect(JSON.stringify(log)).not.toContain('s3cret-auto');
  });

  it('stops when AUTH TLS is refused and TLS was required', async () => {
    const server = await servers.ftp(loginAnyone({ AUTH: () => '502 AUTH not supported\r\n' }));
    const log = await runProbe(settings(server.port, { tls: 'explicit' }), {});
    expect(stepStatus(log, 'auth-tls')).toBe('fail');
    expect(log.login).toBeUndefined();
  });

  it('records the server refusing the data connection verbatim', async () => {
    const data = await track(startDataListener(HOST, () => undefined));
    const refusal = '425 Unable to build data connection: Operation not permitted';
    const server = await servers.ftp(
      loginAnyone({ PASV: () => pasvReply(hostPortNumbers(HOST, data.port)), LIST: () => `${refusal}\r\n` }),
    );
    const log = await runProbe(settings(server.port), {});
    const pasv = log.passive.find((a) => a.command === 'PASV');
    expect(pasv?.outcome).toBe('transfer-refused');
    expect(pasv?.listReplies).toEqual([{ code: 425, text: refusal }]);
    expect(pasv?.connections[0]?.connect.state).toBe('open');
  });

  it('falls back to NLST when LIST is not implemented', async () => {
    const data = await listingListener('a\r\n');
    const server = await servers.ftp(
      loginAnyone({
        PASV: () => pasvReply(hostPortNumbers(HOST, data.port)),
        LIST: () => '502 LIST not implemented\r\n',
        NLST: (_c, s) => {
          setTimeout(() => s.write('226 Done\r\n'), 50);
          return '150 Names\r\n';
        },
      }),
    );
    const log = await runProbe(settings(server.port), {});
    const pasv = log.passive.find((a) => a.command === 'PASV');
    expect(pasv?.listCommand).toBe('NLST');
    expect(pasv?.outcome).toBe('ok');
  });

  it('records a server that says 150 after PORT but never connects back', async () => {
    const server = await servers.ftp(
      loginAnyone({ PORT: () => '200 PORT command successful.\r\n', LIST: () => '150 Opening data connection\r\n' }),
    );
    const log = await runProbe(settings(server.port), {});
    const [first] = log.active;
    expect(first?.outcome).toBe('no-inbound');
    expect(first?.inbound).toMatchObject({ arrived: false });
    expect(first?.inbound?.waitedMs).toBeGreaterThanOrEqual(STEP_MS - 50);
    expect(first?.sentArgument).toMatch(/^127,0,0,1,\d+,\d+$/);
    expect(first?.transfer).toBeUndefined();
  });

  it('records a server still connecting back when the wait ends (no 150 yet) as no inbound connection', async () => {
    // vsftpd's way: connect first, 150 once connected. Its connection is dropped on the way and its
    // own connect timeout (and 425) lies beyond the probe's wait: the server says nothing meanwhile.
    const server = await servers.ftp(
      loginAnyone({ PORT: () => '200 PORT command successful.\r\n', LIST: () => undefined }),
    );
    const log = await runProbe(settings(server.port), {});
    const [first] = log.active;
    expect(first?.outcome).toBe('no-inbound');
    expect(first?.inbound).toEqual({ arrived: false, waitedMs: expect.any(Number) });
    expect(first?.inbound?.waitedMs).toBeGreaterThanOrEqual(STEP_MS - 50);
    expect(first?.listCommand).toBe('LIST');
    expect(first?.listReplies).toEqual([]);
    const d = diagnose(log, { require: ['active'] });
    const blocked = d.findings.find((f) => f.code === 'ACTIVE_INBOUND_BLOCKED');
    expect(blocked?.how).toBe('drop');
    expect(d.channels.active.status).toBe('blocked');
  });

  it('records a 425 after PORT as the server failing to connect', async () => {
    const server = await servers.ftp(
      loginAnyone({
        PORT: () => '200 PORT command successful.\r\n',
        LIST: () => '425 Unable to build data connection: Connection refused\r\n',
      }),
    );
    const log = await runProbe(settings(server.port), {});
    expect(log.active[0]?.outcome).toBe('server-connect-failed');
    expect(log.active[0]?.listReplies[0]?.text).toBe('425 Unable to build data connection: Connection refused');
    expect(log.transcript.filter((l) => l.dir === 'sent').map((l) => l.text.split(' ')[0])).toContain('NOOP');
  });

  it.each([
    [
      'by default it skips the other loopback address and uses the control peer',
      false,
      ['control-peer:127.0.0.1:open'],
    ],
    [
      'when asked it tries the advertised address first, then the control peer',
      true,
      ['advertised:127.0.0.2:reset', 'control-peer:127.0.0.1:open'],
    ],
  ])('a 227 naming another address: %s', async (_name, followPasvAddress, expected) => {
    const data = await listingListener('x\r\n');
    const server = await servers.ftp(
      loginAnyone({
        PASV: () => pasvReply(hostPortNumbers('127.0.0.2', data.port)),
        LIST: listThenDone(),
      }),
    );
    const log = await runProbe(settings(server.port, { followPasvAddress }), {});
    const pasv = log.passive.find((a) => a.command === 'PASV');
    expect(pasv?.connections.map((c) => `${c.via}:${c.connect.address}:${c.connect.state}`)).toEqual(expected);
    expect(pasv?.advertisedSkipped !== undefined).toBe(!followPasvAddress);
    expect(pasv?.outcome).toBe('ok');
  });

  it('writes the external address into PORT and records the refusal verbatim', async () => {
    const refusal = "500 I won't open a connection to 203.0.113.9 (only to 127.0.0.1)";
    const server = await servers.ftp(loginAnyone({ PORT: () => `${refusal}\r\n` }));
    const log = await runProbe(settings(server.port, { externalIp: '203.0.113.9' }), {});
    const [active] = log.active;
    expect(active?.sentArgument).toMatch(/^203,0,113,9,\d+,\d+$/);
    expect(active?.advertised?.addressClass).toBe('documentation');
    expect(active?.portReply?.text).toBe(refusal);
    expect(active?.listen, JSON.stringify(active?.listen)).not.toHaveProperty('error');
    expect(active?.outcome).toBe('command-refused');
  });

  it('tells the sweep only about advertised ports nobody reached: a used data port that resets later is no firewall', async () => {
    const [reachedPort, unreachedPort] = await freePortBlock(2);
    // Serves one listing, then stops listening, as a server closes a passive port after its one connection.
    const oneShot = createServer((socket) => {
      oneShot.close();
      socket.on('error', () => undefined);
      socket.end('only-file\r\n');
    });
    await new Promise<void>((resolve) => oneShot.listen({ host: HOST, port: reachedPort }, resolve));
    try {
      const server = await servers.ftp(
        loginAnyone({
          PASV: () => pasvReply(hostPortNumbers(HOST, reachedPort)),
          EPSV: () => `229 Entering Extended Passive Mode (|||${unreachedPort}|)\r\n`,
          LIST: (_c, s) => {
            const done = setTimeout(() => s.write('226 Done\r\n'), 50);
            s.once('close', () => clearTimeout(done));
            return '150 Here it comes\r\n';
          },
        }),
      );
      const log = await runProbe(settings(server.port, { sweep: 'full', ranges: [[reachedPort, unreachedPort]] }), {});
      expect(log.passive.map((a) => `${a.command}:${a.advertised?.port}:${a.outcome}`)).toEqual([
        `PASV:${reachedPort}:ok`,
        `EPSV:${unreachedPort}:connect-failed`,
      ]);
      expect(log.sweep?.runs).toEqual([
        { from: reachedPort, to: reachedPort, state: 'refused' },
        { from: unreachedPort, to: unreachedPort, state: 'blocked-reset' },
      ]);
    } finally {
      oneShot.close();
    }
  });

  it.each([
    [
      'the reference server (cooperative sweep) is told ABOR, so its pending port answers the sweep with a token',
      true,
      ['ABOR'],
    ],
    ['any other server keeps its pending port listening, where a reset counts as a firewall', false, []],
  ])('before the sweep, with an advertised port nobody reached: %s', async (_name, cooperative, expected) => {
    const [pending] = await freePortBlock(1);
    const received: string[] = [];
    const server = await servers.ftp(
      loginAnyone({
        FEAT: () =>
          cooperative
            ? '211-Features:\r\n FTPDOCTOR PEER;LASTPORT;LASTPASV;SWEEP\r\n211 End\r\n'
            : '211 no features\r\n',
        SITE: (c) => (/ SWEEP$/i.test(c) ? `200 SWEEP scripted ${pending}-${pending}\r\n` : '550 Not here.\r\n'),
        PASV: () => pasvReply(hostPortNumbers(HOST, pending)),
        ABOR: () => {
          received.push('ABOR');
          return '226 ABOR successful; no transfer in progress.\r\n';
        },
      }),
    );
    const log = await runProbe(settings(server.port, { sweep: 'full', ranges: [[pending, pending]] }), {});
    expect(log.passive[0]?.outcome).toBe('connect-failed');
    expect(log.sweep?.cooperative).toBe(cooperative);
    expect(received).toEqual(expected);
    const sweepStarted = log.steps.find((st) => st.id === 'sweep')?.startedMs ?? Infinity;
    expect(log.transcript.filter((l) => l.dir === 'sent' && l.text === 'ABOR').every((l) => l.t >= sweepStarted)).toBe(
      true,
    );
    expect(log.sweep?.runs).toEqual([{ from: pending, to: pending, state: 'blocked-reset' }]);
  });

  it('stops promptly mid-wait when the signal fires', async () => {
    const server = await track(startScripted(HOST, () => undefined));
    const controller = new AbortController();
    let stoppedAt = 0;
    // Timed from the signal itself, against a 30 s greeting wait: a busy machine cannot blur the two.
    const log = await runProbe(settings(server.port, { stepTimeoutMs: 30_000 }), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type !== 'step-start' || e.id !== 'greeting') return;
        setTimeout(() => {
          stoppedAt = performance.now();
          controller.abort();
        }, 100);
      },
    });
    expect(stoppedAt).toBeGreaterThan(0);
    expect(performance.now() - stoppedAt).toBeLessThan(3000);
    expect(log.abortReason).toBe('signal');
    expect(log.control.connect?.state).toBe('open');
    expect(stepStatus(log, 'greeting')).toBe('aborted');
  });

  it('ends at the overall deadline with a partial log', async () => {
    const server = await track(startScripted(HOST, () => undefined));
    const started = Date.now();
    // A 400 ms deadline against a 30 s greeting wait: ending anywhere near the deadline proves it, on any load.
    const log = await runProbe(settings(server.port, { timeoutMs: 400, stepTimeoutMs: 30_000 }), {});
    expect(Date.now() - started).toBeLessThan(5000);
    expect(log.complete).toBe(false);
    expect(log.abortReason).toBe('deadline');
    expect(stepStatus(log, 'greeting')).toBe('aborted');
  });
});
