import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEprt, decodeEpsvReply, decodeHostPort, decodePasvReply } from '../../src/ftp/host-port.js';
import { ReplyParser, type ParsedItem } from '../../src/ftp/reply-parser.js';
import { NODE, ROOT, openFds, rssKb } from './reference-process.js';

/**
 * Fuzzes the reference server's command parser over real sockets: random and mutated command
 * lines, several sessions at once, for a bounded time and a bounded number of lines. The server
 * runs in its own process (short limits), so a crash is an exit, not a hidden exception. Every
 * command must get a well-formed reply (RFC 959 §4.2) and the server must still serve at the end.
 *
 * FTPDOCTOR_FUZZ_MS (default 20 s) and FTPDOCTOR_FUZZ_SEED override the budget and the seed.
 */

const HOST = '127.0.0.1';
const BUDGET_MS = Number(process.env.FTPDOCTOR_FUZZ_MS ?? 20_000);
const MAX_LINES = 50_000;
const SESSIONS = 4;
const REPLY_WAIT_MS = 4000;
const SEED = Number(process.env.FTPDOCTOR_FUZZ_SEED ?? Date.now() % 1_000_000);

/** xorshift32: reproducible from the printed seed. */
function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const VERBS = [
  'USER',
  'PASS',
  'ACCT',
  'QUIT',
  'PWD',
  'XPWD',
  'CWD',
  'XCWD',
  'CDUP',
  'XCUP',
  'TYPE',
  'MODE',
  'STRU',
  'REST',
  'PASV',
  'EPSV',
  'PORT',
  'EPRT',
  'LIST',
  'NLST',
  'MLSD',
  'MLST',
  'RETR',
  'STOR',
  'ABOR',
  'SIZE',
  'MDTM',
  'STAT',
  'SYST',
  'NOOP',
  'FEAT',
  'OPTS',
  'HELP',
  'PBSZ',
  'PROT',
  'SITE',
  'APPE',
  'DELE',
  'MKD',
  'RNFR',
  'RNTO',
  'REIN',
  'LPRT',
  'SMNT',
  'XYZZY',
  '',
  'list',
  'Retr',
];
const SEED_ARGS = [
  '',
  '/',
  '..',
  '../..',
  '/pub',
  'pub/hello.txt',
  '/README.txt',
  'A',
  'I',
  'L 8',
  'E N',
  'S',
  'B',
  'F',
  'R',
  '0',
  '100',
  '-1',
  '99999999999999999999',
  'ALL',
  '1',
  '2',
  '7',
  'UTF8 ON',
  'MLST type;',
  'FTPDOCTOR PEER',
  'FTPDOCTOR SWEEP',
  'FTPDOCTOR LASTPORT',
  'FTPDOCTOR LASTPASV',
  'CHMOD 777 x',
  'anonymous',
  'ftp',
  'x@y',
  'C',
  'P',
  '-la',
  '-la /pub',
  '%2e%2e',
  '\\..\\..',
  '*',
  '?',
];
const NOISE = [
  '\u0000',
  '\u00ff\u00f4\u00ff\u00f2',
  '\u00ff\u00ff',
  '\r',
  '\t',
  ' ',
  '|',
  ',',
  '%s%n',
  '\u00e9',
  '\ud83d\ude00',
  '"',
  "'",
  '\u001b[2J',
];

interface Fuzzer {
  next(): number;
  pick<T>(items: readonly T[]): T;
}

function mutate(f: Fuzzer, text: string): string {
  let out = text;
  for (let n = Math.floor(f.next() * 4); n > 0; n--) {
    const at = Math.floor(f.next() * (out.length + 1));
    switch (Math.floor(f.next() * 5)) {
      case 0:
        out = out.slice(0, at) + f.pick(NOISE) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + Math.floor(f.next() * 3));
        break;
      case 2:
        out = out.slice(0, at) + String.fromCharCode(Math.floor(f.next() * 256)) + out.slice(at);
        break;
      case 3:
        out = out.slice(0, at) + out.slice(at).repeat(1 + Math.floor(f.next() * 3));
        break;
      default:
        out = out.toUpperCase();
    }
  }
  return out;
}

/** One fuzzed command line (no line end); PORT/EPRT point at the test's own sink or are garbage. */
function fuzzLine(f: Fuzzer, sinkPort: number): string {
  const r = f.next();
  if (r < 0.05)
    return Buffer.from(
      Array.from({ length: Math.floor(f.next() * 80) }, () => Math.floor(f.next() * 256)).filter((b) => b !== 0x0a),
    ).toString('latin1');
  if (r < 0.07) return 'A'.repeat(4000 + Math.floor(f.next() * 300));
  const verb = f.next() < 0.9 ? f.pick(VERBS) : mutate(f, f.pick(VERBS));
  if (verb === 'PORT' || verb === 'EPRT') {
    const valid = verb === 'PORT' ? `127,0,0,1,${sinkPort >> 8},${sinkPort & 255}` : `|1|127.0.0.1|${sinkPort}|`;
    return `${verb} ${f.next() < 0.5 ? valid : mutate(f, valid)}`;
  }
  const argument = f.next() < 0.6 ? f.pick(SEED_ARGS) : mutate(f, f.pick(SEED_ARGS));
  return argument === '' ? verb : `${verb} ${argument}`;
}

/** The reference server in its own process with short limits, from the built dist/. */
async function startFuzzTarget(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const script = `
    const { startServer } = await import(${JSON.stringify(`${ROOT}/dist/server/index.js`)});
    const s = await startServer({ host: '127.0.0.1', port: 0, pasvRange: [26100, 26999],
      limits: { idleTimeoutMs: 3000, dataConnectTimeoutMs: 800, dataIdleTimeoutMs: 800, loginFailureDelayMs: 5, loginTimeoutMs: 5000, maxSessionsPerIp: 64 } });
    console.log('PORT ' + s.port);`;
  const child = spawn(NODE, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr.on('data', (c: Buffer) => (text += c.toString()));
  for (let waited = 0; waited < 15_000; waited += 50) {
    const m = /PORT (\d+)/.exec(text);
    if (m) return { child, port: Number(m[1]), output: () => text };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`fuzz target did not start: ${text}`);
}

/** A data connection (passive or active) read to its end and thrown away. */
function drain(socket: Socket): void {
  socket.on('error', () => undefined);
  socket.resume();
  socket.setTimeout(3000, () => socket.destroy());
}

interface Stats {
  lines: number;
  replies: number;
  codes: Map<number, number>;
  sessions: number;
}

/** One control session: sends a line, waits for its reply (and the final one after a 1xx), checks the format. */
class FuzzSession {
  private readonly parser = new ReplyParser();
  private readonly items: ParsedItem[] = [];
  private wake: (() => void) | undefined;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.items.push(...this.parser.push(c));
      this.wake?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.items.push(...this.parser.end());
      this.closed = true;
      this.wake?.();
    });
  }

  static async open(port: number): Promise<FuzzSession> {
    const socket = connect({ host: HOST, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new FuzzSession(socket);
  }

  /** The next reply, or undefined when the server closed; throws on a malformed line or a timeout. */
  async reply(): Promise<{ code: number; text: string } | undefined> {
    const deadline = Date.now() + REPLY_WAIT_MS;
    for (;;) {
      const item = this.items.shift();
      if (item) {
        if (item.kind !== 'reply')
          throw new Error(`malformed reply from the server: ${JSON.stringify(item).slice(0, 200)}`);
        return { code: item.reply.code, text: item.reply.text };
      }
      if (this.closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${REPLY_WAIT_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  write(line: string): void {
    if (!this.closed) this.socket.write(Buffer.from(`${line}\r\n`, 'latin1'));
  }

  close(): void {
    this.socket.destroy();
  }
}

async function fuzzSession(
  port: number,
  sinkPort: number,
  f: Fuzzer,
  until: number,
  stats: Stats,
  budget: { lines: number },
): Promise<void> {
  let session = await FuzzSession.open(port);
  stats.sessions++;
  const greeting = await session.reply();
  expect(greeting?.code).toBe(220);
  const restart = async (): Promise<void> => {
    session.close();
    session = await FuzzSession.open(port);
    stats.sessions++;
    const g = await session.reply();
    expect(g?.code).toBe(220);
    // Most sessions log in so the fuzz reaches past the 530 wall.
    if (f.next() < 0.8) {
      session.write('USER anonymous');
      await session.reply();
      session.write('PASS fuzz@example.org');
      await session.reply();
    }
  };
  await restart();
  while (Date.now() < until && budget.lines-- > 0) {
    const line = fuzzLine(f, sinkPort);
    // A TLS handshake is not this fuzzer's business: AUTH would leave the session speaking TLS.
    if (/^\s*AUTH/i.test(line)) continue;
    session.write(line);
    stats.lines++;
    let reply = await session.reply();
    if (!reply) {
      await restart();
      continue;
    }
    for (;;) {
      stats.replies++;
      stats.codes.set(reply.code, (stats.codes.get(reply.code) ?? 0) + 1);
      expect(reply.code, `${JSON.stringify(line)} -> ${reply.text}`).toBeGreaterThanOrEqual(100);
      expect(reply.code, `${JSON.stringify(line)} -> ${reply.text}`).toBeLessThan(600);
      dataFollowUp(reply);
      if (reply.code >= 200) break;
      const next = await session.reply();
      if (!next) break;
      reply = next;
    }
    if (reply.code === 200 && activeTarget(line) !== undefined && activeTarget(line) !== sinkPort) {
      // A mutation made a valid PORT to some other local port: replace it before a transfer could use it.
      session.write('PASV');
      const pasv = await session.reply();
      if (pasv) dataFollowUp(pasv);
    }
    if (reply.code === 421 || reply.code === 221 || session.closed) await restart();
  }
  session.close();
}

/** Passive replies get their data connection, so transfers end instead of waiting for it. */
function dataFollowUp(reply: { code: number; text: string }): void {
  const port =
    reply.code === 227 ? decodePasvReply(reply.text) : reply.code === 229 ? decodeEpsvReply(reply.text) : undefined;
  if (port?.ok && port.value.port >= 1024) drain(connect({ host: HOST, port: port.value.port }));
}

/** The port a PORT/EPRT line names, when the line is one the server could accept. */
function activeTarget(line: string): number | undefined {
  const m = /^(PORT|EPRT) (.*)$/is.exec(line);
  if (!m) return undefined;
  const decoded = m[1]!.toUpperCase() === 'PORT' ? decodeHostPort(m[2]!) : decodeEprt(m[2]!);
  return decoded.ok ? decoded.value.port : undefined;
}

let target: Awaited<ReturnType<typeof startFuzzTarget>>;
let sink: Server;
let sinkPort = 0;

beforeAll(async () => {
  target = await startFuzzTarget();
  sink = createServer((socket) => drain(socket));
  await new Promise<void>((resolve) => sink.listen({ host: HOST, port: 0 }, resolve));
  sinkPort = (sink.address() as { port: number }).port;
});
afterAll(async () => {
  target?.child.kill('SIGKILL');
  await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
});

describe(`the server's command parser under random and mutated input (seed ${SEED})`, () => {
  it(
    'answers every line with a well-formed reply, never crashes, and serves normally afterwards',
    async () => {
      const stats: Stats = { lines: 0, replies: 0, codes: new Map(), sessions: 0 };
      const budget = { lines: MAX_LINES };
      const until = Date.now() + BUDGET_MS;
      const pid = target.child.pid!;
      const rssBefore = rssKb(pid);
      await Promise.all(
        Array.from({ length: SESSIONS }, (_, i) => {
          const next = rng(SEED * 31 + i + 1);
          const f: Fuzzer = { next, pick: (items) => items[Math.floor(next() * items.length)]! };
          return fuzzSession(target.port, sinkPort, f, until, stats, budget);
        }),
      );
      expect(target.child.exitCode).toBeNull();
      expect(target.output()).not.toMatch(/Error|at .*\.js:\d+/);
      expect(stats.lines).toBeGreaterThan(200);
      // A fresh session still gets the whole normal service.
      const check = await FuzzSession.open(target.port);
      expect((await check.reply())?.code).toBe(220);
      for (const [line, code] of [
        ['USER anonymous', 331],
        ['PASS x@y', 230],
        ['PWD', 257],
        ['NOOP', 200],
      ] as const) {
        check.write(line);
        expect((await check.reply())?.code).toBe(code);
      }
      check.close();
      const summary = [...stats.codes]
        .sort((a, b) => a[0] - b[0])
        .map(([c, n]) => `${c}:${n}`)
        .join(' ');
      console.log(
        `fuzz seed ${SEED}: ${stats.lines} lines, ${stats.replies} replies, ${stats.sessions} sessions; codes ${summary}; server RSS ${rssBefore} -> ${rssKb(pid)} kB, fds ${openFds(pid)}`,
      );
      expect(rssKb(pid)).toBeLessThan(rssBefore + 200 * 1024);
    },
    BUDGET_MS + 60_000,
  );
});
