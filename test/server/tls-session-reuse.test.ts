import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { decodeEpsvReply } from '../../src/ftp/host-port.js';
import { ControlClient, connectData, readAll } from './control-client.js';
import { serverPool } from './test-servers.js';

const start = serverPool();

/** TLS 1.3 tickets arrive after the handshake: wait for one before a data connection can resume it. */
function nextSession(tls: TLSSocket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no TLS session ticket within 2 s')), 2000);
    tls.once('session', (s: Buffer) => {
      clearTimeout(timer);
      resolve(s);
    });
  });
}

async function protectedSession(port: number) {
  const { client } = await ControlClient.open('127.0.0.1', port);
  const tls = await client.startTls();
  const session = nextSession(tls);
  expect((await client.login()).code).toBe(230);
  expect((await client.send('PBSZ 0')).text).toBe('200 PBSZ=0');
  expect((await client.send('PROT P')).code).toBe(200);
  return { client, session: await session };
}

async function retrOverTls(client: ControlClient, session: Buffer | undefined) {
  const epsv = decodeEpsvReply((await client.send('EPSV')).text);
  if (!epsv.ok) throw new Error(epsv.reason);
  const raw = await connectData('127.0.0.1', epsv.value.port);
  client.writeRaw('RETR /pub/hello.txt\r\n');
  expect((await client.next()).code).toBe(150);
  const data = tlsConnect({ socket: raw, rejectUnauthorized: false, ...(session ? { session } : {}) });
  let reused = false;
  data.once('secureConnect', () => (reused = data.isSessionReused()));
  const content = readAll(data).catch(() => Buffer.alloc(0));
  const final = await client.next();
  return { final, content: await content, reused };
}

describe('TLS session reuse on data connections (RFC 4217, vsftpd require_ssl_reuse)', () => {
  it('accepts a data connection that resumes the control session', async () => {
    const s = await start({ requireTlsReuse: true });
    const { client, session } = await protectedSession(s.port);
    const r = await retrOverTls(client, session);
    expect(r.final.text).toBe('226 Transfer complete.');
    expect(r.reused).toBe(true);
    expect(r.content.toString()).toBe('hello from ftpdoctor\r\n'); // TYPE A: CRLF line ends
    client.close();
  });

  it('answers 522 to a fresh TLS session on data when reuse is required', async () => {
    const s = await start({ requireTlsReuse: true });
    const { client } = await protectedSession(s.port);
    const r = await retrOverTls(client, undefined);
    expect(r.final.text).toBe('522 SSL connection failed: session reuse required');
    expect(r.content.length).toBe(0);
    client.close();
  });

  it('allows a fresh TLS session on data when reuse is not required', async () => {
    const s = await start();
    const { client } = await protectedSession(s.port);
    const r = await retrOverTls(client, undefined);
    expect(r.final.code).toBe(226);
    expect(r.content.toString()).toBe('hello from ftpdoctor\r\n'); // TYPE A: CRLF line ends
    client.close();
  });

  it('orders PBSZ and PROT after AUTH TLS (RFC 4217 §8, §9)', async () => {
    const s = await start();
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    expect((await client.send('PBSZ 0')).code).toBe(503);
    expect((await client.send('PROT P')).code).toBe(503);
    expect((await client.send('AUTH KERBEROS')).code).toBe(504);
    await client.startTls();
    expect((await client.send('PROT P')).code).toBe(503);
    expect((await client.send('PBSZ 0')).code).toBe(200);
    expect((await client.send('PROT S')).code).toBe(536);
    expect((await client.send('PROT Q')).code).toBe(504);
    expect((await client.send('AUTH TLS')).code).toBe(503);
    client.close();
  });
});
