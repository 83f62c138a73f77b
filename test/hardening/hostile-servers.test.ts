import type { Socket } from 'node:net';
import { createSecureContext, setDefaultCACertificates, getCACertificates, TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { runProbe } from '../../src/probe/index.js';
import type { ObservationLog, ProbeSettings } from '../../src/observation/index.js';
import { loginAnyone, SCRIPTED_HOST as HOST, scriptedProbeSettings, scriptedServers } from '../probe/scripted-ftp.js';
import {
  hostPortNumbers,
  pasvReply,
  startDataListener,
  startScripted,
  type ScriptedServer,
} from '../probe/scripted-server.js';

/**
 * Hostile servers on real loopback sockets, through the real engine with short step timeouts.
 * Adds what test/probe/hostile-server.test.ts does not cover: an endless multi-line reply, PASV to
 * port 0 and to a privileged port, a server that stops reading, certificates that must not be
 * trusted (expired, wrong host, self-signed), a data connection closed mid-transfer.
 */

const STEP_MS = 800;
const servers = scriptedServers();
const { track } = servers;

function settings(port: number, extra: Partial<ProbeSettings> = {}): ProbeSettings {
  return scriptedProbeSettings(port, { stepTimeoutMs: STEP_MS, ...extra });
}

function stepOf(log: ObservationLog, id: string) {
  return log.steps.find((s) => s.id === id);
}

/** Every recorded step took no longer than its timeout allows (plus scheduling slack). */
function expectStepsBounded(log: ObservationLog, perStepMs: number): void {
  for (const step of log.steps) expect(step.elapsedMs, `${step.id} took ${step.elapsedMs} ms`).toBeLessThan(perStepMs);
}

describe('an endless multi-line reply', () => {
  it('is cut at the reply cap, memory stays bounded, and the session is given up in time', async () => {
    let sent = 0;
    const chunk = Buffer.from(` ${'z'.repeat(1021)}\r\n`.repeat(1024)); // 1 MiB of continuation lines
    const server = await servers.ftp(
      loginAnyone({
        FEAT: (_c, s) => {
          s.write('211-Features follow, forever:\r\n');
          const pump = (): void => {
            // Bounded even if the client never stops reading: 256 MiB per connection at most.
            while (!s.destroyed && sent < 256 * 1024 * 1024) {
              sent += chunk.length;
              if (!s.write(chunk)) return void s.once('drain', pump);
            }
          };
          pump();
          return undefined;
        },
      }),
    );
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const log = await runProbe(settings(server.port, { stepTimeoutMs: 3000 }), {});
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(stepOf(log, 'features')?.status).toBe('fail');
    expect(stepOf(log, 'features')?.summary).toMatch(/E_REPLY_TOO_LONG|E_TIMEOUT/);
    expect(log.transcript.some((l) => l.dir === 'note' && /exceeded \d+ bytes/.test(l.text))).toBe(true);
    expect(log.transcript.length).toBeLessThanOrEqual(4000);
    // The server pushed far more than the heap grew: nothing kept the stream.
    expect(sent).toBeGreaterThan(4 * 1024 * 1024);
    expect(heapGrowth).toBeLessThan(Math.max(64 * 1024 * 1024, sent / 2));
    expect(JSON.stringify(log).length).toBeLessThan(2 * 1024 * 1024);
  });

  it('that trickles forever ends by the step timeout', async () => {
    const server = await servers.ftp(
      loginAnyone({
        FEAT: (_c, s) => {
          s.write('211-Features:\r\n');
          const timer = setInterval(() => (s.destroyed ? clearInterval(timer) : s.write(' MORE\r\n')), 20);
          s.on('close', () => clearInterval(timer));
          return undefined;
        },
      }),
    );
    const log = await runProbe(settings(server.port), {});
    expect(stepOf(log, 'features')?.status).toBe('fail');
    expect(stepOf(log, 'features')?.summary).toMatch(/E_TIMEOUT/);
    expectStepsBounded(log, STEP_MS * 4 + 1500);
  });
});

describe('PASV to a port a data connection must not go to', () => {
  it.each([
    ['port 0, which no one can listen on', '127,0,0,1,0,0', 0],
    ['port 25 (SMTP), a privileged port a bounce would aim at (RFC 2577 §3)', '127,0,0,1,0,25', 25],
  ])('%s: recorded as a bad reply, never connected to, never blamed on a firewall', async (_name, numbers, port) => {
    const server = await servers.ftp(
      loginAnyone({
        PASV: () => pasvReply(numbers),
        EPSV: () => `229 Entering Extended Passive Mode (|||${port}|)\r\n`,
        PORT: () => '500 no\r\n',
      }),
    );
    const log = await runProbe(settings(server.port), {});
    for (const attempt of log.passive) {
      expect(attempt.outcome, attempt.command).toBe('bad-reply');
      expect(attempt.parseError, attempt.command).toMatch(new RegExp(`\\b${port}\\b`));
      expect(attempt.connections).toEqual([]);
    }
    const diagnosis = diagnose(log, { require: ['passive'] });
    const passiveBlame = diagnosis.findings.filter(
      (f) => f.channel === 'passive' && /BLOCKED|FIREWALL|REJECT/.test(f.code),
    );
    expect(passiveBlame.map((f) => f.code)).toEqual([]);
  });
});

describe('a server that accepts and then never reads', () => {
  it('gets each command answered by nothing and the step ends by its timeout', async () => {
    const server = await track(
      startScripted(HOST, (socket) => {
        socket.write('220 hi\r\n');
        socket.pause();
      }),
    );
    const started = Date.now();
    const log = await runProbe(settings(server.port), {});
    expect(Date.now() - started).toBeLessThan(STEP_MS * 8);
    expect(stepOf(log, 'greeting')?.status).toBe('ok');
    expect(stepOf(log, 'login')?.status).toBe('fail');
    expect(stepOf(log, 'login')?.summary).toMatch(/E_TIMEOUT/);
    expect(stepOf(log, 'passive')?.status).toBe('skipped');
    expectStepsBounded(log, STEP_MS + 500);
  });
});

describe('a data connection that the server closes mid-transfer', () => {
  it.each([
    // The bytes go out once LIST has been answered, as a real server's would; then the server dies.
    [
      'with a reset after some bytes',
      (s: Socket) => setTimeout(() => s.write('x'.repeat(5000), () => setTimeout(() => s.resetAndDestroy(), 20)), 50),
      'reset',
    ],
    ['half-way, then 426 on the control connection', (s: Socket) => s.end('y'.repeat(3000)), 'transfer-refused'],
  ])('%s', async (_name, behaviour, outcome) => {
    const data = await track(startDataListener(HOST, behaviour));
    const server = await servers.ftp(
      loginAnyone({
        PASV: () => pasvReply(hostPortNumbers(HOST, data.port)),
        LIST: (_c, s) => {
          setTimeout(() => s.write('426 Connection closed; transfer aborted.\r\n'), 100);
          return '150 Here it comes\r\n';
        },
      }),
    );
    const log = await runProbe(settings(server.port), {});
    const pasv = log.passive.find((a) => a.command === 'PASV');
    const transfer = pasv?.connections[0]?.transfer;
    expect(transfer?.bytes).toBeGreaterThan(0);
    if (outcome === 'reset') {
      expect(transfer?.result).toBe('reset');
      expect(pasv?.outcome).not.toBe('ok');
    } else {
      expect(pasv?.outcome).toBe('transfer-refused');
      expect(pasv?.listReplies.map((r) => r.code)).toEqual([150, 426]);
    }
    expectStepsBounded(log, STEP_MS * 6 + 1000);
  });
});

/** A CA this test trusts for its worker only, and server certificates it signs or not. */
interface Pem {
  cert: string;
  key: string;
}
let ca: Pem;
const originalCas = getCACertificates('default');

async function certificate(opts: {
  names: string[];
  ips: string[];
  signedBy?: Pem;
  notBefore?: Date;
  notAfter?: Date;
}): Promise<Pem> {
  const generated = await generate([{ name: 'commonName', value: opts.names[0] ?? 'ftpdoctor test' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ...(opts.notBefore ? { notBeforeDate: opts.notBefore } : {}),
    ...(opts.notAfter ? { notAfterDate: opts.notAfter } : {}),
    ...(opts.signedBy ? { ca: opts.signedBy } : {}),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...opts.names.map((value) => ({ type: 2 as const, value })),
          ...opts.ips.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { cert: generated.cert, key: generated.private };
}

beforeAll(async () => {
  const generated = await generate([{ name: 'commonName', value: 'ftpdoctor hardening test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  ca = { cert: generated.cert, key: generated.private };
  setDefaultCACertificates([...originalCas, ca.cert]);
});
afterAll(() => {
  setDefaultCACertificates(originalCas);
});

function ftpsServer(pem: Pem): Promise<ScriptedServer> {
  const context = createSecureContext({ cert: pem.cert, key: pem.key });
  const identity = { wrap: (socket: Socket) => new TLSSocket(socket, { isServer: true, secureContext: context }) };
  return servers.ftp(loginAnyone(), { greeting: '220 scripted FTPS\r\n', tls: identity });
}

const DAY = 24 * 3600 * 1000;

describe('TLS certificates that must not be trusted (RFC 4217 §4)', () => {
  it('trusts a certificate from the test CA for 127.0.0.1 (the control case)', async () => {
    const server = await ftpsServer(await certificate({ names: ['localhost'], ips: [HOST], signedBy: ca }));
    const log = await runProbe(settings(server.port, { tls: 'explicit' }), {});
    expect(log.tls).toMatchObject({ established: true, insecureAccepted: false });
    expect(log.tls?.certificate).toMatchObject({ expired: false, selfSigned: false, hostnameMatches: true });
    expect(log.login?.ok).toBe(true);
  });

  it.each<[string, () => Promise<Pem>, RegExp, Record<string, boolean>]>([
    [
      'expired (notAfter in the past)',
      () =>
        certificate({
          names: ['localhost'],
          ips: [HOST],
          signedBy: ca,
          notBefore: new Date(Date.now() - 30 * DAY),
          notAfter: new Date(Date.now() - DAY),
        }),
      /CERT_HAS_EXPIRED/,
      { expired: true, hostnameMatches: true },
    ],
    [
      'issued for another host',
      () => certificate({ names: ['ftp.other.example'], ips: ['192.0.2.1'], signedBy: ca }),
      /ALTNAME|Hostname|IP/i,
      { expired: false, hostnameMatches: false },
    ],
    [
      'self-signed',
      () => certificate({ names: ['localhost'], ips: [HOST] }),
      /SELF_SIGNED/,
      { selfSigned: true, expired: false },
    ],
  ])(
    '%s: recorded with its facts, the run stops before USER/PASS, also under --tls-auto',
    async (_name, make, why, facts) => {
      const server = await ftpsServer(await make());
      for (const tls of ['explicit', 'auto'] as const) {
        const log = await runProbe(settings(server.port, { tls, user: 'alice' }), {
          password: 'never-sent-over-bad-tls',
        });
        expect(log.tls?.established).toBe(false);
        expect(log.tls?.error?.code).toBe('E_TLS_CERT');
        expect(log.tls?.authorizationError).toMatch(why);
        expect(log.tls?.certificate).toMatchObject(facts);
        expect(stepOf(log, 'auth-tls')?.status).toBe('fail');
        // No downgrade to plain text and no credentials to a server that could not prove who it is.
        expect(log.transcript.filter((l) => l.dir === 'sent').map((l) => l.text.split(' ')[0])).not.toContain('USER');
        expect(JSON.stringify(log)).not.toContain('never-sent-over-bad-tls');
        expect(diagnose(log, { require: ['tls'] }).findings.map((f) => f.code)).toContain('TLS_CERT_UNTRUSTED');
        expectStepsBounded(log, STEP_MS + 500);
      }
    },
  );
});
