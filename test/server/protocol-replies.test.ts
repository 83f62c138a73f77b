import { itIf, missing } from '../requirements.js';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeEpsvReply, decodePasvReply } from '../../src/ftp/host-port.js';
import { ControlClient, connectData, readAll } from './control-client.js';
import { serverPool } from './test-servers.js';

const start = serverPool();

async function loggedIn(port: number, host = '127.0.0.1'): Promise<ControlClient> {
  const { client } = await ControlClient.open(host, port);
  expect((await client.login()).code).toBe(230);
  return client;
}

describe('RFC 959 replies', () => {
  it('greets with 220 and answers commands before login as RFC 959 §5.4 says', async () => {
    const s = await start();
    const { client, greeting } = await ControlClient.open('127.0.0.1', s.port);
    expect(greeting.code).toBe(220);
    const cases: Array<[string, number]> = [
      ['PWD', 530],
      ['LIST', 530],
      ['RETR /README.txt', 530],
      ['PASV', 530],
      ['PASS x', 503],
      ['SYST', 215],
      ['NOOP', 200],
      ['FEAT', 211],
      ['ACCT x', 202],
      ['XYZZY', 500],
      ['USER', 501],
    ];
    for (const [line, code] of cases) expect([line, (await client.send(line)).code]).toEqual([line, code]);
    client.close();
  });

  it('answers parameter and syntax errors with 501/504 after login', async () => {
    const s = await start();
    const client = await loggedIn(s.port);
    const cases: Array<[string, number]> = [
      ['TYPE I', 200],
      ['TYPE L 8', 200],
      ['TYPE A', 200],
      ['TYPE E', 504],
      ['TYPE Z', 501],
      ['MODE S', 200],
      ['MODE B', 504],
      ['MODE Q', 501],
      ['STRU F', 200],
      ['STRU R', 504],
      ['REST abc', 501],
      ['REST 10', 350],
      ['PORT 1,2,3', 501],
      ['PORT 127,0,0,1,300,1', 501],
      ['EPRT |3|x|1|', 522],
      ['EPRT |1|not-an-ip|2000|', 501],
      ['EPSV 2', 522],
      ['EPSV 9', 501],
      ['OPTS UTF8 ON', 200],
      ['OPTS FOO', 501],
      ['CWD /nowhere', 550],
      ['SIZE /nowhere', 550],
      ['SIZE /pub', 550],
      ['SIZE /pub/hello.txt', 213],
      ['MDTM /pub/hello.txt', 213],
      ['RETR /nowhere', 550],
      ['RETR /pub/hello.txt', 425],
      ['DELE /pub/hello.txt', 550],
      ['DELE /nowhere', 550],
      ['MLSD /pub/hello.txt', 501],
      ['PASS again', 503],
      ['ABOR', 226],
    ];
    for (const [line, code] of cases) expect([line, (await client.send(line)).code]).toEqual([line, code]);
    expect((await client.send('QUIT')).code).toBe(221);
    await client.waitClosed();
  });

  it('navigates with PWD, CWD and CDUP and quotes the path (RFC 959 §7)', async () => {
    const s = await start();
    const client = await loggedIn(s.port);
    expect((await client.send('PWD')).text).toBe('257 "/" is the current directory.');
    expect((await client.send('CWD pub/nested')).code).toBe(250);
    expect((await client.send('PWD')).text).toBe('257 "/pub/nested" is the current directory.');
    expect((await client.send('CDUP')).code).toBe(250);
    expect((await client.send('PWD')).text).toBe('257 "/pub" is the current directory.');
    client.close();
  });

  it('lists features in FEAT, one per line, including the probe extensions (RFC 2389 §3.2)', async () => {
    const s = await start();
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    const feat = await client.send('FEAT');
    expect(feat.lines[0]).toBe('211-Features:');
    expect(feat.lines.at(-1)).toBe('211 End');
    for (const f of [
      ' EPSV',
      ' EPRT',
      ' UTF8',
      ' AUTH TLS',
      ' PBSZ',
      ' PROT',
      ' REST STREAM',
      ' SIZE',
      ' MDTM',
      ' FTPDOCTOR PEER;LASTPORT;LASTPASV;SWEEP',
    ]) {
      expect(feat.lines).toContain(f);
    }
    expect(feat.lines.find((l) => l.startsWith(' MLST'))).toBeDefined();
    client.close();
  });

  it('answers MLST with facts and MLSD with one entry per line (RFC 3659 §7)', async () => {
    const s = await start();
    const client = await loggedIn(s.port);
    const mlst = await client.send('MLST /pub/hello.txt');
    expect(mlst.lines).toEqual([
      '250-Listing /pub/hello.txt',
      ' type=file;size=21;modify=20240101000000;perm=r; /pub/hello.txt',
      '250 End',
    ]);
    const epsv = decodeEpsvReply((await client.send('EPSV')).text);
    if (!epsv.ok) throw new Error(epsv.reason);
    const data = await connectData('127.0.0.1', epsv.value.port);
    const listing = readAll(data);
    expect((await client.send('MLSD /pub')).code).toBe(150);
    expect((await client.next()).code).toBe(226);
    const lines = (await listing).toString('utf8').split('\r\n').filter(Boolean);
    expect(lines).toContain('type=dir;modify=20240101000000;perm=el; nested');
    expect(lines).toContain('type=file;size=1048576;modify=20240101000000;perm=r; sample-1MiB.bin');
    expect(lines).toContain('type=file;size=27;modify=20240101000000;perm=r; grüße.txt');
    client.close();
  });

  it('refuses an over-long command line and keeps serving (4 KiB limit)', async () => {
    const s = await start();
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    const long = await client.send(`NOOP ${'x'.repeat(5000)}`);
    expect(long.code).toBe(500);
    expect(long.text).toContain('too long');
    expect((await client.send('NOOP')).code).toBe(200);
    client.close();
  });

  it('closes an idle control connection with 421', async () => {
    const s = await start({ limits: { idleTimeoutMs: 150 } });
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    const reply = await client.next();
    expect(reply.code).toBe(421);
    await client.waitClosed();
  });
});

describe('files stay inside the root', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-root-'));
  const root = join(dir, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'inside.txt'), 'inside\n');
  writeFileSync(join(dir, 'secret.txt'), 'outside the root\n');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'link-out.txt'));
  symlinkSync(dir, join(root, 'dir-out'));
  symlinkSync(join(root, 'inside.txt'), join(root, 'link-in.txt'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses "..", absolute and symlinked escapes with 550', async () => {
    const s = await start({ root });
    const client = await loggedIn(s.port);
    const cases: Array<[string, number]> = [
      ['CWD ..', 550],
      ['CWD ../..', 550],
      ['CWD sub/../..', 550],
      ['SIZE ../secret.txt', 550],
      ['SIZE /../secret.txt', 550],
      ['SIZE /etc/passwd', 550],
      ['RETR ../../../../etc/passwd', 550],
      ['SIZE link-out.txt', 550],
      ['RETR link-out.txt', 550],
      ['CWD dir-out', 550],
      ['SIZE dir-out/secret.txt', 550],
      ['MLST link-out.txt', 550],
      ['SIZE inside.txt', 213],
      ['SIZE link-in.txt', 213],
      ['CWD sub', 250],
      ['SIZE ../inside.txt', 213],
      ['STOR new.txt', 550],
    ];
    for (const [line, code] of cases) expect([line, (await client.send(line)).code]).toEqual([line, code]);
    client.close();
  });

  it('leaves links that point out of the root out of listings', async () => {
    const s = await start({ root });
    const client = await loggedIn(s.port);
    const stat = await client.send('STAT /');
    expect(stat.code).toBe(213);
    expect(stat.text).toContain('inside.txt');
    expect(stat.text).toContain('link-in.txt');
    expect(stat.text).not.toContain('link-out.txt');
    expect(stat.text).not.toContain('dir-out');
    client.close();
  });
});

describe('bounce protection (RFC 2577)', () => {
  it('refuses PORT and EPRT to an address other than the client, and to privileged ports', async () => {
    const s = await start();
    const client = await loggedIn(s.port);
    const cases: Array<[string, number, string]> = [
      ['PORT 127,0,0,2,156,64', 504, 'not the client'],
      ['EPRT |1|127.0.0.2|40000|', 504, 'not the client'],
      ['PORT 10,0,0,1,156,64', 504, 'not the client'],
      ['EPRT |2|::1|40000|', 504, 'not the client'],
      ['PORT 127,0,0,1,0,21', 504, 'privileged'],
      ['EPRT |1|127.0.0.1|25|', 504, 'privileged'],
      ['PORT 127,0,0,1,156,64', 200, 'successful'],
    ];
    for (const [line, code, text] of cases) {
      const r = await client.send(line);
      expect([line, r.code]).toEqual([line, code]);
      expect(r.text).toContain(text);
    }
    client.close();
  });

  it('refuses a passive data connection from another address than the control peer', async () => {
    const s = await start();
    const client = await loggedIn(s.port);
    const pasv = decodePasvReply((await client.send('PASV')).text);
    if (!pasv.ok) throw new Error(pasv.reason);
    const { connect } = await import('node:net');
    const intruder = connect({ host: '127.0.0.1', port: pasv.value.port, localAddress: '127.0.0.2' });
    intruder.on('error', () => {});
    const intruderData = await new Promise<string>((resolve) => {
      intruder.on('close', () => resolve('closed'));
      setTimeout(() => resolve('still open'), 1000);
    });
    expect(intruderData).toBe('closed');
    // the rightful client still gets its listing on the same port
    const data = await connectData('127.0.0.1', pasv.value.port);
    const listing = readAll(data);
    expect((await client.send('NLST /pub')).code).toBe(150);
    expect((await client.next()).code).toBe(226);
    expect((await listing).toString()).toContain('hello.txt\r\n');
    client.close();
  });
});

describe('active mode (RFC 959 PORT, RFC 2428 EPRT)', () => {
  async function activeFrom(config: { activeSourcePort?: number }, verb: 'PORT' | 'EPRT') {
    const s = await start(config);
    const client = await loggedIn(s.port);
    const { createServer } = await import('node:net');
    const listener = createServer();
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    const port = (listener.address() as { port: number }).port;
    const accepted = new Promise<{ remotePort: number; content: Buffer }>((resolve) =>
      listener.once(
        'connection',
        (sock) => void readAll(sock).then((content) => resolve({ remotePort: sock.remotePort ?? 0, content })),
      ),
    );
    const arg = verb === 'PORT' ? `127,0,0,1,${port >> 8},${port & 255}` : `|1|127.0.0.1|${port}|`;
    expect((await client.send(`${verb} ${arg}`)).code).toBe(200);
    expect((await client.send('RETR /pub/hello.txt')).code).toBe(150);
    expect((await client.next()).code).toBe(226);
    const result = await accepted;
    listener.close();
    client.close();
    return result;
  }

  it('connects from the configured source port', async () => {
    const source = 24000 + Math.floor(Math.random() * 2000);
    const r = await activeFrom({ activeSourcePort: source }, 'EPRT');
    expect(r.remotePort).toBe(source);
    expect(r.content.toString()).toBe('hello from ftpdoctor\r\n');
  });

  itIf(missing({ root: true }))('connects from port 20 by default when running as root', async () => {
    const r = await activeFrom({}, 'PORT');
    expect(r.remotePort).toBe(20);
  });

  it('answers 425 when the client does not accept the active connection', async () => {
    const s = await start({ activeSourcePort: 0 });
    const client = await loggedIn(s.port);
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    expect((await client.send(`EPRT |1|127.0.0.1|${port}|`)).code).toBe(200);
    const r = await client.send('LIST');
    expect(r.code).toBe(425);
    expect(r.text).toContain('ECONNREFUSED');
    client.close();
  });
});

describe('limits', () => {
  it('closes sessions over the per-address and total limits with 421', async () => {
    const s = await start({ limits: { maxSessionsPerIp: 2, maxSessions: 3 } });
    const a = await ControlClient.open('127.0.0.1', s.port);
    const b = await ControlClient.open('127.0.0.1', s.port);
    const perIp = await ControlClient.open('127.0.0.1', s.port);
    expect([a.greeting.code, b.greeting.code, perIp.greeting.code]).toEqual([220, 220, 421]);
    expect(perIp.greeting.text).toContain('from 127.0.0.1');
    await perIp.client.waitClosed();
    const other = await ControlClient.open('127.0.0.1', s.port, 3000, '127.0.0.2');
    expect(other.greeting.code).toBe(220);
    const total = await ControlClient.open('127.0.0.1', s.port, 3000, '127.0.0.3');
    expect(total.greeting.code).toBe(421);
    expect(total.greeting.text).toContain('limit 3');
    // a closed session frees its place
    a.client.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await ControlClient.open('127.0.0.1', s.port);
    expect(again.greeting.code).toBe(220);
    for (const x of [b, other, total, again]) x.client.close();
  });

  it('answers 421 inside TLS on the implicit FTPS listener when full', async () => {
    const s = await start({ implicitPort: 0, limits: { maxSessions: 1 } });
    const first = await ControlClient.open('127.0.0.1', s.port);
    expect(first.greeting.code).toBe(220);
    const { connect: tlsConnect } = await import('node:tls');
    const tls = tlsConnect({ host: '127.0.0.1', port: s.implicitPort, rejectUnauthorized: false });
    const text = await readAll(tls);
    expect(text.toString()).toMatch(/^421 Too many sessions \(limit 1\)/);
    first.client.close();
  });

  it('slows down failed logins and closes after too many (421)', async () => {
    const s = await start({
      user: 'alice',
      password: 'correct horse',
      limits: { loginFailureDelayMs: 40, maxLoginFailures: 3 },
    });
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    const times: number[] = [];
    for (let i = 0; i < 2; i++) {
      const t = Date.now();
      expect((await client.login('alice', 'wrong')).code).toBe(530);
      times.push(Date.now() - t);
    }
    expect(times[0]).toBeGreaterThanOrEqual(35);
    expect(times[1]).toBeGreaterThanOrEqual(75);
    expect((await client.login('alice', 'wrong')).code).toBe(421);
    await client.waitClosed();
    const again = await ControlClient.open('127.0.0.1', s.port);
    expect((await again.client.login('alice', 'correct horse')).code).toBe(230);
    again.client.close();
  });

  it('refuses anonymous when a real account is configured, and accepts the account', async () => {
    const s = await start({ user: 'alice', password: 'pw' });
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    expect((await client.login()).code).toBe(530);
    expect((await client.login('alice', 'pw')).code).toBe(230);
    client.close();
  });
});

describe('data connection failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-big-'));
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(48 * 1024 * 1024, 7));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers 425 when no passive data connection arrives in time', async () => {
    const s = await start({ limits: { dataConnectTimeoutMs: 200 } });
    const client = await loggedIn(s.port);
    expect((await client.send('PASV')).code).toBe(227);
    const r = await client.send('LIST');
    expect(r.code).toBe(425);
    expect(r.text).toContain('within 200 ms');
    expect((await client.send('NOOP')).code).toBe(200);
    client.close();
  });

  it('aborts a running transfer on ABOR with 426 then 226 (RFC 959 §4.1.3)', async () => {
    const s = await start({ root: dir });
    const client = await loggedIn(s.port);
    await client.send('TYPE I');
    const epsv = decodeEpsvReply((await client.send('EPSV')).text);
    if (!epsv.ok) throw new Error(epsv.reason);
    const data = await connectData('127.0.0.1', epsv.value.port);
    data.pause(); // the client does not read: the server stays blocked mid-transfer
    data.on('error', () => {});
    expect((await client.send('RETR big.bin')).code).toBe(150);
    await new Promise((r) => setTimeout(r, 100));
    expect((await client.send('STAT')).text).toContain('transfer in progress');
    client.writeRaw(Buffer.from([0xff, 0xf4, 0xff, 0xf2]));
    const first = await client.send('ABOR');
    const second = await client.next();
    expect([first.code, second.code]).toEqual([426, 226]);
    expect((await client.send('NOOP')).code).toBe(200);
    data.destroy();
    client.close();
  });

  it('aborts a transfer whose data connection stalls longer than the data timeout with 426', async () => {
    const s = await start({ root: dir, limits: { dataIdleTimeoutMs: 300 } });
    const client = await loggedIn(s.port);
    await client.send('TYPE I');
    const epsv = decodeEpsvReply((await client.send('EPSV')).text);
    if (!epsv.ok) throw new Error(epsv.reason);
    const data = await connectData('127.0.0.1', epsv.value.port);
    data.pause();
    data.on('error', () => {});
    expect((await client.send('RETR big.bin')).code).toBe(150);
    const r = await client.next();
    expect(r.code).toBe(426);
    expect(r.text).toContain('idle for 300 ms');
    data.destroy();
    client.close();
  });
});

describe('passive ports and addresses', () => {
  async function occupy(port: number) {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(port, '127.0.0.1', () => resolve());
    });
    return blocker;
  }

  it('skips passive ports already in use and answers 425 only when the whole range is busy', async () => {
    // Below the ephemeral range (32768–60999), so no client socket of a parallel suite takes these ports.
    const base = 20000 + Math.floor(Math.random() * 4000) * 3;
    const blockers = [await occupy(base), await occupy(base + 2)];
    try {
      const s = await start({ pasvRange: [base, base + 2] });
      const client = await loggedIn(s.port);
      for (let i = 0; i < 5; i++) {
        const pasv = decodePasvReply((await client.send('PASV')).text);
        expect(pasv.ok && pasv.value.port).toBe(base + 1);
      }
      expect((await client.send('ABOR')).code).toBe(226); // frees base+1, held by the last PASV
      blockers.push(await occupy(base + 1));
      const r = await client.send('EPSV');
      expect([r.code, r.text]).toEqual([
        425,
        `425 Can't open passive connection: no free port in ${base}-${base + 2}.`,
      ]);
      expect((await client.send('NOOP')).code).toBe(200);
      client.close();
    } finally {
      for (const b of blockers) b.close();
    }
  });

  it('advertises --pasv-address in 227 and the family rules of RFC 2428 over IPv6', async () => {
    const v6 = await start({ host: '::1' });
    const client = await loggedIn(v6.port, '::1');
    expect((await client.send('PASV')).code).toBe(425);
    expect((await client.send('EPSV 1')).text).toBe('522 Network protocol not supported, use (2)');
    expect((await client.send('EPSV 2')).code).toBe(229);
    expect((await client.send('EPRT |1|127.0.0.1|40000|')).code).toBe(504);
    expect((await client.send('EPRT |2|::1|40000|')).code).toBe(200);
    expect((await client.send('EPSV ALL')).code).toBe(200);
    expect((await client.send('EPRT |2|::1|40000|')).code).toBe(503);
    expect((await client.send('SITE FTPDOCTOR PEER')).text).toMatch(/^200 PEER ::1 \d+$/);
    client.close();
  });
});

describe('accounts and uploads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-up-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never writes the password into its log', async () => {
    const log: string[] = [];
    const s = await start({ user: 'alice', password: 'hunter2-secret', log: (l) => log.push(l) });
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    expect((await client.login('alice', 'wrong-guess-secret')).code).toBe(530);
    expect((await client.login('alice', 'hunter2-secret')).code).toBe(230);
    client.close();
    expect(log.some((l) => l.includes('PASS ***'))).toBe(true);
    expect(log.join('\n')).not.toMatch(/hunter2|wrong-guess/);
  });

  it('stores an upload into --root when writable, and never outside it', async () => {
    const s = await start({ root: dir, writable: true });
    const client = await loggedIn(s.port);
    expect((await client.send('STOR ../escape.txt')).code).toBe(550);
    const epsv = decodeEpsvReply((await client.send('EPSV')).text);
    if (!epsv.ok) throw new Error(epsv.reason);
    const data = await connectData('127.0.0.1', epsv.value.port);
    expect((await client.send('STOR uploaded.txt')).code).toBe(150);
    data.end('uploaded bytes\n');
    expect((await client.next()).code).toBe(226);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(dir, 'uploaded.txt'), 'utf8')).toBe('uploaded bytes\n');
    client.close();
  });
});
