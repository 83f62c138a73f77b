import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePasvReply } from '../../src/ftp/host-port.js';
import {
  DEFAULT_LIMITS,
  startServer,
  type RunningServer,
  type ServerConfig,
  type ServerLimits,
} from '../../src/server/index.js';
import { ControlClient, connectData } from '../server/control-client.js';
import { listeningSockets, openFds, startServerProcess } from './reference-process.js';

/**
 * The reference server under abuse, adding what test/server does not cover: traversal through every
 * path-taking command (also with encodings and links, also for uploads), pipelined garbage,
 * thousands of PASV never connected to (counted in the server process's own descriptors), slow
 * logins, and a flood of sessions from one address.
 */

const HOST = '127.0.0.1';
const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';
const started: RunningServer[] = [];
const logs: string[] = [];

afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

async function start(
  config: Omit<Partial<ServerConfig>, 'limits'> & { limits?: Partial<ServerLimits> } = {},
): Promise<RunningServer> {
  const server = await startServer({
    host: HOST,
    port: 0,
    pasvRange: [24000, 24999],
    log: (line) => logs.push(line),
    ...config,
    limits: {
      ...DEFAULT_LIMITS,
      idleTimeoutMs: 5000,
      dataConnectTimeoutMs: 1500,
      dataIdleTimeoutMs: 1500,
      loginFailureDelayMs: 10,
      ...config.limits,
    },
  });
  started.push(server);
  return server;
}

async function loggedIn(port: number): Promise<ControlClient> {
  const { client } = await ControlClient.open(HOST, port, 4000);
  expect((await client.login()).code).toBe(230);
  return client;
}

/** A tree with a secret beside the root, links out of it (to a file, a directory, a missing file) and one link inside. */
function makeTree(): { dir: string; root: string; outside: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-abuse-'));
  const root = join(dir, 'root');
  const outside = join(dir, 'outside');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'inside.txt'), 'inside\n');
  writeFileSync(join(outside, 'secret.txt'), `${SECRET}\n`);
  writeFileSync(join(dir, 'secret.txt'), `${SECRET}\n`);
  symlinkSync(join(outside, 'secret.txt'), join(root, 'link-out.txt'));
  symlinkSync(outside, join(root, 'dir-out'));
  // A link to a file that does not exist yet, outside the root: writing through it would create it there.
  symlinkSync(join(outside, 'planted.txt'), join(root, 'dangling-out.txt'));
  symlinkSync(join(root, 'inside.txt'), join(root, 'link-in.txt'));
  return { dir, root, outside };
}

/** All bytes a data connection carries until it closes, however it closes (bounded by the server's data timeouts). */
function everything(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))));
}

const ESCAPES = [
  '..',
  '../secret.txt',
  '../../../../../../etc/passwd',
  '/../secret.txt',
  '/etc/passwd',
  '//etc/passwd',
  'sub/../../secret.txt',
  './../secret.txt',
  'link-out.txt',
  'dir-out',
  'dir-out/secret.txt',
  'dir-out/../secret.txt',
  'sub/../dir-out/secret.txt',
  '../outside/secret.txt',
];
/** Encodings an FTP server must not decode (RFC 959 paths are literal): they name files that do not exist. */
const ENCODED = [
  '%2e%2e/secret.txt',
  '%2E%2E%2Fsecret.txt',
  '..%2fsecret.txt',
  '..\\secret.txt',
  '..%c0%af..%c0%afsecret.txt',
  '.../secret.txt',
  'dir-out\u0000/secret.txt',
];

describe('path traversal through every path-taking command', () => {
  const tree = makeTree();
  afterAll(() => rmSync(tree.dir, { recursive: true, force: true }));

  it('answers 550 to each escape in CWD, XCWD, SIZE, MDTM, MLST, STAT and RETR, and never a 2xx', async () => {
    const s = await start({ root: tree.root });
    const client = await loggedIn(s.port);
    for (const verb of ['CWD', 'XCWD', 'SIZE', 'MDTM', 'MLST', 'STAT', 'RETR']) {
      for (const path of [...ESCAPES, ...ENCODED]) {
        const reply = await client.send(`${verb} ${path}`);
        expect([verb, path, reply.code]).toEqual([verb, path, 550]);
        expect(reply.text).not.toContain(SECRET);
        expect((await client.send('PWD')).text).toMatch(/^257 "\/"/);
      }
    }
    client.close();
  });

  it('serves nothing from outside the root over a data connection: LIST, NLST, MLSD, RETR with options and escapes', async () => {
    const s = await start({ root: tree.root });
    const client = await loggedIn(s.port);
    const commands = [
      ...ESCAPES.flatMap((p) => [`LIST ${p}`, `LIST -la ${p}`, `NLST ${p}`, `MLSD ${p}`, `RETR ${p}`]),
      ...ENCODED.flatMap((p) => [`LIST ${p}`, `RETR ${p}`]),
      'LIST -la',
      'NLST',
      'MLSD /',
    ];
    for (const command of commands) {
      const pasv = decodePasvReply((await client.send('PASV')).text);
      if (!pasv.ok) throw new Error(pasv.reason);
      const data = await connectData(HOST, pasv.value.port);
      const received = everything(data);
      const first = await client.send(command);
      // A refusal comes before any data: nothing more can arrive on this connection.
      if (first.code !== 150) data.destroy();
      const final = first.code === 150 ? await client.next() : first;
      const bytes = (await received).toString('latin1');
      expect(bytes, command).not.toContain(SECRET);
      expect(bytes, command).not.toContain('root:x:0:0');
      expect(bytes, command).not.toMatch(/link-out|dir-out|dangling-out/);
      // An escape is refused before any data; the listings of the root itself succeed.
      if (!/^(LIST -la|NLST|MLSD \/)$/.test(command)) expect([command, first.code]).toEqual([command, 550]);
      else expect([command, final.code]).toEqual([command, 226]);
    }
    client.close();
  });

  it('refuses uploads that would land outside the root, also through a dangling link', async () => {
    const s = await start({ root: tree.root, writable: true });
    const client = await loggedIn(s.port);
    for (const path of [
      '../planted.txt',
      '/../planted.txt',
      'dir-out/planted.txt',
      'dangling-out.txt',
      'link-out.txt',
      'sub/../../planted.txt',
    ]) {
      const pasv = decodePasvReply((await client.send('PASV')).text);
      if (!pasv.ok) throw new Error(pasv.reason);
      const data = await connectData(HOST, pasv.value.port);
      data.on('error', () => undefined);
      const first = await client.send(`STOR ${path}`);
      if (first.code === 150) {
        data.end('planted by a traversal\n');
        await client.next();
      } else data.destroy();
      expect([path, first.code]).toEqual([path, 550]);
    }
    expect(readdirSync(tree.outside).sort()).toEqual(['secret.txt']);
    expect(existsSync(join(tree.dir, 'planted.txt'))).toBe(false);
    client.close();
  });
});

describe('bounce attempts (RFC 2577 §3)', () => {
  it('refuses PORT and EPRT to third addresses and privileged ports in every spelling, logs them, and connects nowhere', async () => {
    const s = await start();
    const client = await loggedIn(s.port);
    const attempts: Array<[string, number]> = [
      ['PORT 127,0,0,1,0,25', 504],
      ['PORT 127,0,0,1,3,255', 504],
      ['PORT 127,0,0,1,0,0', 504],
      ['PORT 127,000,000,001,0,22', 504],
      ['PORT 192,0,2,10,156,64', 504],
      ['PORT 0,0,0,0,156,64', 504],
      ['PORT 255,255,255,255,156,64', 504],
      ['EPRT |1|127.0.0.1|25|', 504],
      ['EPRT |1|127.0.0.1|1023|', 504],
      ['EPRT |1|192.0.2.10|40000|', 504],
      ['EPRT |2|::ffff:192.0.2.10|40000|', 504],
      ['EPRT |2|::1|40000|', 504],
      ['EPRT !1!192.0.2.10!40000!', 504],
      ['PORT 127,0,0,1,256,1', 501],
      ['PORT 127,0,0,1', 501],
      ['EPRT |1|127.0.0.1|70000|', 501],
      ['EPRT |9|127.0.0.1|40000|', 522],
    ];
    for (const [line, code] of attempts) {
      expect([line, (await client.send(line)).code]).toEqual([line, code]);
      // A refused PORT leaves no data setup behind: a transfer now has nowhere to go.
      expect((await client.send('LIST')).code).toBe(425);
    }
    for (const [line] of attempts) expect(logs.some((l) => l.endsWith(`> ${line}`))).toBe(true);
    client.close();
  });
});

describe('garbage on the control connection', () => {
  it('answers every pipelined line in order with a valid code, survives binary and overlong lines, and keeps serving', async () => {
    const s = await start({ limits: { maxCommandLineBytes: 512 } });
    const client = await loggedIn(s.port);
    const lines = [
      'NOOP',
      '\u0000\u0001\u0002\u00ff',
      'X'.repeat(600),
      'SYST',
      'RETR',
      '   ',
      'USER',
      '\xff\xf4\xff\xf2ABOR',
      'PASV EXTRA ARGS',
      'SITE FTPDOCTOR PEER PEER',
      'TYPE Z',
      'EPSV 7',
      'NOOP',
    ];
    client.writeRaw(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'));
    const codes: number[] = [];
    for (let i = 0; i < lines.length; i++) codes.push((await client.next()).code);
    for (const code of codes) expect(code).toBeGreaterThanOrEqual(200);
    expect(codes[0]).toBe(200);
    expect(codes[2]).toBe(500);
    expect(codes[3]).toBe(215);
    expect(codes.at(-1)).toBe(200);
    expect((await client.send('PWD')).code).toBe(257);
    client.close();
  });

  it('drops a flood with no line end at all without growing, and answers once the line ends', async () => {
    const s = await start({ limits: { maxCommandLineBytes: 1024 } });
    const client = await loggedIn(s.port);
    const heapBefore = process.memoryUsage().heapUsed;
    const block = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 256; i++) client.writeRaw(block); // 16 MiB without a line end
    client.writeRaw('\r\nNOOP\r\n');
    expect((await client.next()).code).toBe(500);
    expect((await client.next()).code).toBe(200);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(12 * 1024 * 1024);
    client.close();
  });
});

describe('limits against many and slow clients', () => {
  it('answers a flood of sessions from one address with 220 up to its limit, 421 after, and frees every place', async () => {
    const s = await start({ limits: { maxSessionsPerIp: 8, maxSessions: 64 } });
    const opened = await Promise.all(Array.from({ length: 60 }, () => ControlClient.open(HOST, s.port, 4000)));
    const codes = opened.map((o) => o.greeting.code);
    expect(codes.filter((c) => c === 220)).toHaveLength(8);
    expect(codes.filter((c) => c === 421)).toHaveLength(52);
    expect(
      logs.filter((l) => /refused 127\.0\.0\.1:\d+: Too many sessions from 127\.0\.0\.1/.test(l)).length,
    ).toBeGreaterThanOrEqual(52);
    for (const o of opened) o.client.close();
    await new Promise((r) => setTimeout(r, 200));
    const again = await Promise.all(Array.from({ length: 8 }, () => ControlClient.open(HOST, s.port, 4000)));
    expect(again.map((o) => o.greeting.code)).toEqual(Array(8).fill(220));
    for (const o of again) o.client.close();
  });

  it('closes a slowloris login (one byte at a time, never a whole command) with 421 by the login deadline', async () => {
    const s = await start({ limits: { idleTimeoutMs: 600, loginTimeoutMs: 1500 } });
    const { client } = await ControlClient.open(HOST, s.port, 5000);
    const text = Buffer.from('USER anonymous-but-very-slowly-typed\r\n');
    let i = 0;
    // One byte every 300 ms: never idle long enough for the idle timeout, never a complete login.
    const timer = setInterval(
      () => (i < text.length && !client.closed ? client.writeRaw(text.subarray(i, ++i)) : clearInterval(timer)),
      300,
    );
    const startedAt = Date.now();
    try {
      const reply = await client.next();
      expect(reply.code).toBe(421);
      expect(reply.text).toMatch(/login/i);
      await client.waitClosed();
      expect(Date.now() - startedAt).toBeLessThan(4000);
    } finally {
      clearInterval(timer);
      client.close();
    }
  });
});

describe('finished transfers under load', () => {
  it('release their data socket and passive port as soon as the client closes, not seconds later', async () => {
    const server = await startServerProcess(['--pasv-range', '25000-25999']);
    try {
      const { client } = await ControlClient.open(HOST, server.port, 5000);
      await client.login();
      const fdsBefore = openFds(server.pid);
      for (let i = 0; i < 50; i++) {
        const pasv = decodePasvReply((await client.send('PASV')).text);
        if (!pasv.ok) throw new Error(pasv.reason);
        const data = await connectData(HOST, pasv.value.port);
        const listing = everything(data);
        expect((await client.send('LIST /')).code).toBe(150);
        expect((await client.next()).code).toBe(226);
        expect((await listing).length).toBeGreaterThan(0);
      }
      let fdsAfter = openFds(server.pid);
      for (let waited = 0; waited < 1000 && fdsAfter > fdsBefore; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
        fdsAfter = openFds(server.pid);
      }
      // Well under the server's 5 s linger: a client that closed properly frees everything at once.
      expect(fdsAfter).toBeLessThanOrEqual(fdsBefore);
      client.close();
    } finally {
      await server.kill();
    }
  });
});

describe('thousands of PASV never connected to', () => {
  it('release every listener: the server process holds as many descriptors after as before', async () => {
    const server = await startServerProcess(['--pasv-range', '25000-25999']);
    try {
      const { client } = await ControlClient.open(HOST, server.port, 5000);
      await client.login();
      await client.send('NOOP');
      const fdsBefore = openFds(server.pid);
      const listenersBefore = listeningSockets(server.pid);
      const sessions = await Promise.all(Array.from({ length: 10 }, () => ControlClient.open(HOST, server.port, 5000)));
      await Promise.all(sessions.map((o) => o.client.login()));
      // 10 sessions × 200 PASV/EPSV, each abandoning the port the previous one opened.
      const replies = await Promise.all(
        sessions.map(async ({ client: c }) => {
          const codes: number[] = [];
          for (let i = 0; i < 200; i++) codes.push((await c.send(i % 2 ? 'EPSV' : 'PASV')).code);
          return codes;
        }),
      );
      expect(replies.flat().every((c) => c === 227 || c === 229)).toBe(true);
      // Half the sessions quit politely, half just vanish with a passive port open.
      for (const [n, o] of sessions.entries()) {
        if (n % 2) o.client.close();
        else await o.client.send('QUIT').catch(() => undefined);
      }
      let fdsAfter = openFds(server.pid);
      for (let waited = 0; waited < 5000 && fdsAfter > fdsBefore; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        fdsAfter = openFds(server.pid);
      }
      expect(fdsAfter).toBeLessThanOrEqual(fdsBefore);
      expect(listeningSockets(server.pid)).toBe(listenersBefore);
      expect((await client.send('NOOP')).code).toBe(200);
      client.close();
    } finally {
      await server.kill();
    }
  });
});
