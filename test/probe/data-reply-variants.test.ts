import { connect, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { decodeHostPort } from '../../src/ftp/host-port.js';
import { INITIAL_SYN_RTO_MS } from '../../src/probe/data-deadline.js';
import { runProbe } from '../../src/probe/index.js';
import type { ProbeSettings } from '../../src/observation/index.js';
import { createTlsIdentity, type TlsIdentity } from '../../src/server/tls-identity.js';
import {
  type Answer,
  loginAnyone,
  SCRIPTED_HOST as HOST,
  scriptedProbeSettings,
  scriptedServers,
} from './scripted-ftp.js';
import { hostPortNumbers, pasvReply, startDataListener } from './scripted-server.js';

/**
 * The places where real servers differ on a data transfer, each played by a scripted server on real
 * loopback sockets: when an active-mode server connects (at PORT time like pyftpdlib, or after the
 * transfer command), which preliminary reply it sends (125 or 150, RFC 959 §4.2) or none at all, and
 * under PROT P whether the data TLS handshake comes before or after that reply (RFC 4217 §9).
 */

const servers = scriptedServers();
const dataSockets = new Set<Socket>();
afterEach(() => {
  for (const s of dataSockets) s.destroy();
  dataSockets.clear();
});

let identity: TlsIdentity;
beforeAll(async () => {
  identity = await createTlsIdentity();
});

const LISTING = 'readme.txt\r\npub\r\n';

function settings(port: number, extra: Partial<ProbeSettings> = {}): ProbeSettings {
  return scriptedProbeSettings(port, { stepTimeoutMs: 2000, ...extra });
}

/** Opens the active data connection to what a PORT command names. */
function connectBack(command: string): Promise<Socket> {
  const target = decodeHostPort(command.slice('PORT '.length));
  if (!target.ok) throw new Error(target.reason);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.value.address, port: target.value.port }, () => resolve(socket));
    dataSockets.add(socket);
    socket.on('error', reject);
  });
}

/**
 * pyftpdlib's order (handlers.py ActiveDTP.handle_connect): connect while handling PORT, answer 200
 * once connected, then answer LIST with 125 and send the listing on the open connection.
 */
function connectsAtPort(opts: { tls?: boolean; refuseEarlyBytes?: boolean } = {}): Record<string, Answer> {
  let data: Promise<Socket> | undefined;
  let listSeen = false;
  return {
    PORT: (command, control) => {
      listSeen = false;
      data = connectBack(command);
      void data.then((socket) => {
        // pyftpdlib's DTPHandler closes a data connection that carries bytes before the transfer
        // command was processed (DTPHandler.readable): an early ClientHello ends it.
        if (opts.refuseEarlyBytes)
          socket.once('data', () => {
            if (!listSeen) socket.destroy();
          });
        control.write('200 Active data connection established.\r\n');
      });
      return undefined;
    },
    LIST: (_c, control) => {
      listSeen = true;
      control.write('125 Data connection already open. Transfer starting.\r\n');
      void data?.then(async (plain) => {
        const socket = opts.tls ? await serverTls(plain) : plain;
        socket.end(LISTING, () => control.write('226 Transfer complete.\r\n'));
      });
      return undefined;
    },
  };
}

/** The TLS server side of a data connection; resolves once the handshake is done. */
function serverTls(plain: Socket): Promise<TLSSocket> {
  plain.removeAllListeners('data');
  const secure = identity.wrap(plain);
  secure.on('error', () => undefined);
  return new Promise((resolve) => secure.once('secure', () => resolve(secure)));
}

function ftpsSettings(port: number): ProbeSettings {
  return settings(port, { tls: 'explicit', insecure: true });
}

const FTPS_FEAT = { FEAT: () => '211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n211 End\r\n' };

describe('active mode: a server that connects at PORT time and replies 125', () => {
  it('takes the connection that arrived before LIST and reads the listing', async () => {
    const server = await servers.ftp(loginAnyone({ PASV: () => '502 no\r\n', ...connectsAtPort() }));
    const log = await runProbe(settings(server.port), {});
    const [active] = log.active;
    expect(active?.portReply?.code).toBe(200);
    expect(active?.listReplies.map((r) => r.code)).toEqual([125, 226]);
    expect(active?.inbound).toMatchObject({ arrived: true, connectedAt: 'port-command' });
    expect(active?.transfer).toMatchObject({ result: 'complete', bytes: LISTING.length });
    expect(active?.outcome).toBe('ok');
    const d = diagnose(log, { require: ['active'] });
    expect(d.channels.active.status).toBe('ok');
    expect(d.findings.map((f) => f.code)).not.toContain('ACTIVE_INBOUND_BLOCKED');
  });

  it('under PROT P, waits for 125 before its ClientHello (pyftpdlib closes a connection that speaks first)', async () => {
    const server = await servers.ftp(
      loginAnyone({ ...FTPS_FEAT, PASV: () => '502 no\r\n', ...connectsAtPort({ tls: true, refuseEarlyBytes: true }) }),
      { tls: identity, oneSession: true },
    );
    const log = await runProbe(ftpsSettings(server.port), {});
    const privateAttempt = log.active.find((a) => a.protection === 'private');
    expect(privateAttempt?.tls).toMatchObject({ ok: true });
    expect(privateAttempt?.transfer).toMatchObject({ result: 'complete', bytes: LISTING.length });
    expect(privateAttempt?.outcome).toBe('ok');
  });

  it('records a 425 to PORT itself as the server failing to connect', async () => {
    const server = await servers.ftp(loginAnyone({ PORT: () => "425 Can't connect to specified address.\r\n" }));
    const log = await runProbe(settings(server.port), {});
    expect(log.active[0]?.outcome).toBe('server-connect-failed');
    expect(log.active[0]?.listCommand).toBeUndefined();
  });

  it('records silence after PORT (the server still trying to connect) as no inbound connection', async () => {
    const server = await servers.ftp(loginAnyone({ PORT: () => undefined }));
    const log = await runProbe(settings(server.port), {});
    const [active] = log.active;
    expect(active?.outcome).toBe('no-inbound');
    expect(active?.inbound).toMatchObject({ arrived: false });
    // The wait is the data-connect deadline (one lost SYN and its retransmission), not the 2 s step timeout.
    expect(active?.inbound?.waitedMs).toBeGreaterThanOrEqual(INITIAL_SYN_RTO_MS);
    expect(active?.inbound?.waitedMs).toBeLessThan(2000);
    const d = diagnose(log, { require: ['active'] });
    expect(d.findings.map((f) => f.code)).toContain('ACTIVE_INBOUND_BLOCKED');
  });
});

describe('a transfer answered with 226 and no preliminary reply', () => {
  it('active: reads the listing the server sent before its 226', async () => {
    let port = '';
    const server = await servers.ftp(
      loginAnyone({
        PORT: (command) => {
          port = command;
          return '200 PORT ok\r\n';
        },
        LIST: (_c, control) => {
          void connectBack(port).then((socket) =>
            socket.end(LISTING, () => control.write('226 Transfer complete.\r\n')),
          );
          return undefined;
        },
      }),
    );
    const log = await runProbe(settings(server.port), {});
    const [active] = log.active;
    expect(active?.listReplies.map((r) => r.code)).toEqual([226]);
    expect(active?.inbound).toMatchObject({ arrived: true, connectedAt: 'transfer-command' });
    expect(active?.transfer).toMatchObject({ result: 'complete', bytes: LISTING.length });
    expect(active?.outcome).toBe('ok');
  });

  it('passive: reads the listing already on the data connection', async () => {
    const data = await servers.track(startDataListener(HOST, (socket) => socket.end(LISTING)));
    const server = await servers.ftp(
      loginAnyone({
        PASV: () => pasvReply(hostPortNumbers(HOST, data.port)),
        LIST: () => '226 Transfer complete.\r\n',
      }),
    );
    const log = await runProbe(settings(server.port), {});
    const pasv = log.passive.find((a) => a.command === 'PASV');
    expect(pasv?.listReplies.map((r) => r.code)).toEqual([226]);
    expect(pasv?.connections[0]?.transfer).toMatchObject({ result: 'complete', bytes: LISTING.length });
    expect(pasv?.outcome).toBe('ok');
  });
});

describe('PROT P: a server that accepts TLS on the data connection before its preliminary reply', () => {
  it('passive: starts the handshake when the server stays silent, then reads the listing', async () => {
    const control: { socket?: Socket } = {};
    const data = await servers.track(
      startDataListener(HOST, (plain) => {
        void serverTls(plain).then((secure) => {
          control.socket?.write('150 Here it comes\r\n');
          secure.end(LISTING, () => setTimeout(() => control.socket?.write('226 Done\r\n'), 20));
        });
      }),
    );
    const server = await servers.ftp(
      loginAnyone({
        ...FTPS_FEAT,
        PASV: () => pasvReply(hostPortNumbers(HOST, data.port)),
        EPSV: () => '502 no\r\n',
        PORT: () => '502 no\r\n',
        LIST: (_c, socket) => {
          control.socket = socket;
          return undefined;
        },
      }),
      { tls: identity, oneSession: true },
    );
    const log = await runProbe(ftpsSettings(server.port), {});
    const pasv = log.passive.find((a) => a.command === 'PASV' && a.protection === 'private');
    expect(pasv?.connections[0]?.tls).toMatchObject({ ok: true });
    expect(pasv?.connections[0]?.transfer).toMatchObject({ result: 'complete', bytes: LISTING.length });
    expect(pasv?.listReplies.map((r) => r.code)).toEqual([150, 226]);
    expect(pasv?.outcome).toBe('ok');
  });

  it('active: starts the handshake on the connection the server made after LIST', async () => {
    let port = '';
    const server = await servers.ftp(
      loginAnyone({
        ...FTPS_FEAT,
        PASV: () => '502 no\r\n',
        EPSV: () => '502 no\r\n',
        PORT: (command) => {
          port = command;
          return '200 PORT ok\r\n';
        },
        LIST: (_c, control) => {
          void connectBack(port)
            .then(serverTls)
            .then((secure) => {
              control.write('150 Here it comes\r\n');
              secure.end(LISTING, () => setTimeout(() => control.write('226 Done\r\n'), 20));
            });
          return undefined;
        },
      }),
      { tls: identity, oneSession: true },
    );
    const log = await runProbe(ftpsSettings(server.port), {});
    const active = log.active.find((a) => a.protection === 'private');
    expect(active?.inbound).toMatchObject({ arrived: true, connectedAt: 'transfer-command' });
    expect(active?.tls).toMatchObject({ ok: true });
    expect(active?.transfer).toMatchObject({ result: 'complete', bytes: LISTING.length });
    expect(active?.outcome).toBe('ok');
  });
});
