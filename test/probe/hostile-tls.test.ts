import { beforeAll, describe, expect, it } from 'vitest';
import { createTlsIdentity, type TlsIdentity } from '../../src/server/tls-identity.js';
import { runProbe } from '../../src/probe/index.js';
import type { ProbeSettings } from '../../src/observation/index.js';
import {
  type Answer,
  loginAnyone,
  SCRIPTED_HOST as HOST,
  scriptedProbeSettings,
  scriptedServers,
} from './scripted-ftp.js';
import { hostPortNumbers, pasvReply, startDataListener, type ScriptedServer } from './scripted-server.js';

const servers = scriptedServers();
const { track } = servers;
let identity: TlsIdentity;

beforeAll(async () => {
  identity = await createTlsIdentity();
});

function settings(port: number): ProbeSettings {
  return scriptedProbeSettings(port, { tls: 'explicit', insecure: true });
}

/** An FTPS server (RFC 4217) that logs anyone in and answers data commands as the scenario says. */
function ftpsServer(overrides: Record<string, Answer>): Promise<ScriptedServer> {
  return servers.ftp(
    loginAnyone({
      FEAT: () => '211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n211 End\r\n',
      PORT: () => '500 Illegal PORT command.\r\n',
      ...overrides,
    }),
    { greeting: '220 scripted FTPS\r\n', tls: identity },
  );
}

describe('FTPS data-channel refusals from a scripted server', () => {
  it('records a 522 session-reuse refusal verbatim', async () => {
    const data = await track(startDataListener(HOST, () => undefined));
    const refusal = '522 SSL connection failed: session reuse required';
    const server = await ftpsServer({
      PASV: () => pasvReply(hostPortNumbers(HOST, data.port)),
      LIST: () => `${refusal}\r\n`,
    });
    const log = await runProbe(settings(server.port), {});
    expect(log.tls?.established).toBe(true);
    const pasv = log.passive.find((a) => a.command === 'PASV' && a.protection === 'private');
    expect(pasv?.outcome).toBe('transfer-refused');
    expect(pasv?.listReplies).toEqual([{ code: 522, text: refusal }]);
  });

  it('records a data connection whose TLS handshake the server never completes as a TLS failure', async () => {
    const data = await track(startDataListener(HOST, (socket) => setTimeout(() => socket.destroy(), 20)));
    const server = await ftpsServer({
      PASV: () => pasvReply(hostPortNumbers(HOST, data.port)),
      LIST: () => '150 Opening data connection\r\n425 TLS handshake failed\r\n',
    });
    const log = await runProbe(settings(server.port), {});
    const pasv = log.passive.find((a) => a.command === 'PASV' && a.protection === 'private');
    expect(pasv?.outcome).toBe('tls-failed');
    expect(pasv?.connections[0]?.tls).toMatchObject({ ok: false, error: { code: 'E_TLS' } });
    expect(pasv?.listReplies.map((r) => r.code)).toEqual([150, 425]);
  });

  it('records PROT C being refused and runs no clear-data probe', async () => {
    // vsftpd with force_local_data_ssl refuses clear data this way.
    const server = await ftpsServer({
      PROT: (command) => (command.toUpperCase() === 'PROT C' ? '536 PROT C not allowed\r\n' : '200 PROT ok\r\n'),
      PASV: () => '502 no data today\r\n',
    });
    const log = await runProbe(settings(server.port), {});
    expect(log.tls?.protReply?.code).toBe(200);
    expect(log.tls?.protClearReply).toEqual({ code: 536, text: '536 PROT C not allowed' });
    expect(log.passive.map((a) => `${a.command}/${a.protection}:${a.outcome}`)).toEqual([
      'PASV/private:command-refused',
      'EPSV/private:command-refused',
    ]);
    expect(log.active.map((a) => a.protection)).toEqual(['private']);
  });
});
