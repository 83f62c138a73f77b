/**
 * Reference-server load and soak (`npm run bench:soak [-- --duration 5m --concurrency 20]`):
 *   1. 1,000 sessions open at once, all logged in and idle (memory per idle session), then each
 *      lists a directory over EPSV and quits; every one must succeed.
 *   2. A soak of connect / login / EPSV+LIST / QUIT loops for the given duration (default 5 min).
 * The server runs in its own process (built dist/, limits raised for 1,000 sessions from one
 * address) so its RSS and open descriptors are read from /proc before and after. Loopback only;
 * every wait is bounded; the server is stopped by its PID. Exits 1 if a session failed or the
 * server kept descriptors after the soak.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const CONCURRENT = 1000;
const SESSION_TIMEOUT_MS = 30_000;
const PASV_RANGE: [number, number] = [29000, 32767];

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** "5m", "90s", "300" (seconds) → ms. */
function duration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`--duration ${text}: write e.g. 5m, 90s or 300`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

const rssKb = (pid: number): number =>
  Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const openFds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startServerProcess(): Promise<{
  child: ChildProcess;
  port: number;
  heapAfterGc: () => Promise<number>;
}> {
  const script = `
    const { startServer } = await import(${JSON.stringify(join(ROOT, 'dist', 'server', 'index.js'))});
    const s = await startServer({ host: '127.0.0.1', port: 0, pasvRange: [${PASV_RANGE.join(',')}],
      limits: { maxSessions: 4096, maxSessionsPerIp: 4096, idleTimeoutMs: 600000, loginTimeoutMs: 600000 } });
    process.on('SIGUSR2', () => { globalThis.gc(); console.log('HEAP ' + process.memoryUsage().heapUsed); });
    console.log('PORT ' + s.port);`;
  const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString()));
  /** The server's heap after a full garbage collection: what it really keeps, unlike RSS. */
  const heapAfterGc = async (): Promise<number> => {
    const seen = text.length;
    child.kill('SIGUSR2');
    for (let waited = 0; waited < 5000; waited += 20) {
      const m = /HEAP (\d+)/.exec(text.slice(seen));
      if (m) return Number(m[1]);
      await sleep(20);
    }
    throw new Error('the server did not report its heap');
  };
  for (let waited = 0; waited < 20_000; waited += 50) {
    const m = /PORT (\d+)/.exec(text);
    if (m) return { child, port: Number(m[1]), heapAfterGc };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`the reference server did not start (is dist/ built? npm run build): ${text}`);
}

/** A control connection read reply by reply (final lines only; multi-line bodies skipped). */
class Control {
  private buffer = '';
  private readonly replies: string[] = [];
  private waiter: ((line: string | Error) => void) | undefined;
  private failure: Error | undefined;
  readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let i = this.buffer.indexOf('\r\n'); i >= 0; i = this.buffer.indexOf('\r\n')) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 2);
        if (!/^\d{3} /.test(line)) continue;
        if (this.waiter) this.waiter(line);
        else this.replies.push(line);
      }
    });
    const failWith = (err: Error): void => {
      this.failure ??= err;
      this.waiter?.(err);
    };
    socket.on('error', failWith);
    socket.on('close', () => failWith(new Error('control connection closed')));
  }

  next(): Promise<string> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = (r) => {
        this.waiter = undefined;
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
    });
  }

  async expect(command: string | undefined, code: number): Promise<string> {
    if (command !== undefined) this.socket.write(`${command}\r\n`);
    const reply = await this.next();
    if (!reply.startsWith(`${code} `)) throw new Error(`${command ?? 'greeting'}: expected ${code}, got "${reply}"`);
    return reply;
  }
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function openSession(port: number): Promise<Control> {
  const control = new Control(await connected(port));
  try {
    await control.expect(undefined, 220);
    await control.expect('USER anonymous', 331);
    await control.expect('PASS soak@example.org', 230);
    return control;
  } catch (err) {
    control.socket.destroy();
    throw err;
  }
}

/** EPSV + LIST (the listing read to its end) + QUIT on a logged-in session. */
async function listAndQuit(control: Control): Promise<void> {
  const epsv = await control.expect('EPSV', 229);
  const dataPort = Number(/\(\|\|\|(\d+)\|\)/.exec(epsv)?.[1]);
  const data = await connected(dataPort);
  const listing = new Promise<number>((resolve, reject) => {
    let bytes = 0;
    data.on('data', (c: Buffer) => (bytes += c.length));
    data.once('end', () => resolve(bytes));
    data.on('error', (err) =>
      reject(new Error(`data connection: ${(err as NodeJS.ErrnoException).code ?? err.message}`)),
    );
  });
  // Awaited below; a data error while the control reply is awaited must not go unhandled meanwhile.
  listing.catch(() => undefined);
  try {
    await control.expect('LIST /', 150);
    await control.expect(undefined, 226);
    if ((await listing) === 0) throw new Error('empty listing');
  } finally {
    data.destroy();
  }
  await control.expect('QUIT', 221);
  control.socket.destroy();
}

async function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(
            () => reject(new Error(`${what}: no result within ${SESSION_TIMEOUT_MS} ms`)),
            SESSION_TIMEOUT_MS,
          )),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

interface Tally {
  sessions: number;
  failures: number;
  errors: Map<string, number>;
}

function fail(tally: Tally, err: unknown): void {
  tally.failures++;
  const key = (err instanceof Error ? err.message : String(err)).replace(/\d+/g, 'N').slice(0, 80);
  tally.errors.set(key, (tally.errors.get(key) ?? 0) + 1);
}

const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;

async function main(): Promise<number> {
  const soakMs = duration(argument('duration', '5m'));
  const concurrency = Number(argument('concurrency', '20'));
  const { child, port, heapAfterGc } = await startServerProcess();
  const pid = child.pid!;
  // Even if the bench itself dies of an unexpected error, the server it started goes with it.
  process.once('exit', () => child.kill('SIGKILL'));
  try {
    await sleep(500);
    const base = { rss: rssKb(pid), fds: openFds(pid) };
    console.log(
      `reference server pid ${pid} on ${HOST}:${port}; idle: RSS ${mb(base.rss)}, ${base.fds} open descriptors`,
    );

    // 1. 1,000 concurrent sessions: all logged in and idle at once, then each lists and quits.
    const burst: Tally = { sessions: 0, failures: 0, errors: new Map() };
    const t0 = performance.now();
    const opened = await Promise.allSettled(
      Array.from({ length: CONCURRENT }, () => bounded(openSession(port), 'login')),
    );
    const loginMs = performance.now() - t0;
    await sleep(500);
    const idle = { rss: rssKb(pid), fds: openFds(pid) };
    const live = opened
      .filter((r): r is PromiseFulfilledResult<Control> => r.status === 'fulfilled')
      .map((r) => r.value);
    for (const r of opened) if (r.status === 'rejected') fail(burst, r.reason);
    console.log(
      `${CONCURRENT} concurrent sessions: ${live.length} logged in within ${loginMs.toFixed(0)} ms; server RSS ${mb(idle.rss)} (+${mb(idle.rss - base.rss)}), ` +
        `${idle.fds} descriptors; memory per idle session ${((idle.rss - base.rss) / Math.max(1, live.length)).toFixed(1)} kB`,
    );
    const t1 = performance.now();
    const listed = await Promise.allSettled(live.map((c) => bounded(listAndQuit(c), 'list')));
    for (const r of listed) {
      burst.sessions++;
      if (r.status === 'rejected') fail(burst, r.reason);
    }
    burst.sessions += CONCURRENT - live.length;
    console.log(
      `  then EPSV+LIST+QUIT on all of them in ${(performance.now() - t1).toFixed(0)} ms: ${burst.sessions} sessions, ${burst.failures} failed`,
    );
    for (const s of live) s.socket.destroy();

    // 2. The soak: `concurrency` workers looping connect/login/list/quit until the time is up.
    await sleep(1000);
    const heapBefore = await heapAfterGc();
    const before = { rss: rssKb(pid), fds: openFds(pid) };
    const soak: Tally = { sessions: 0, failures: 0, errors: new Map() };
    const until = Date.now() + soakMs;
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssKb(pid)), 10_000);
    sampler.unref();
    const t2 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          soak.sessions++;
          let control: Control | undefined;
          try {
            await bounded(
              openSession(port).then((c) => listAndQuit((control = c))),
              'session',
            );
          } catch (err) {
            fail(soak, err);
          } finally {
            control?.socket.destroy();
          }
        }
      }),
    );
    clearInterval(sampler);
    const soakSeconds = (performance.now() - t2) / 1000;
    // Closed sessions linger briefly (LINGER, TIME_WAIT is the kernel's): give the server a moment.
    let after = { rss: rssKb(pid), fds: openFds(pid) };
    for (let waited = 0; waited < 5000 && after.fds > before.fds; waited += 250) {
      await sleep(250);
      after = { rss: rssKb(pid), fds: openFds(pid) };
    }
    const heapAfter = await heapAfterGc();
    console.log(
      `soak ${soakSeconds.toFixed(0)} s, ${concurrency} concurrent: ${soak.sessions} sessions (${(soak.sessions / soakSeconds).toFixed(0)}/s), ${soak.failures} failed`,
    );
    console.log(
      `  server heap after a full GC: before ${mb(heapBefore / 1024)}, after ${mb(heapAfter / 1024)} (${((heapAfter - heapBefore) / Math.max(1, soak.sessions)).toFixed(1)} bytes per session)`,
    );
    console.log(
      `  server RSS before ${mb(before.rss)}, after ${mb(after.rss)} (peak sample ${mb(Math.max(before.rss, ...samples))}); descriptors before ${before.fds}, after ${after.fds}`,
    );
    for (const tally of [burst, soak]) for (const [error, n] of tally.errors) console.log(`  failure x${n}: ${error}`);
    // Retained heap may grow by a little (code caches, maps sized to the peak), never per session.
    const heapGrew = heapAfter - heapBefore > 16 * 1024 * 1024;
    const ok = burst.failures === 0 && soak.failures === 0 && after.fds <= before.fds && !heapGrew;
    console.log(ok ? 'PASS: zero failed sessions, no descriptor and no heap left behind' : 'FAIL: see above');
    return ok ? 0 : 1;
  } finally {
    child.kill('SIGKILL');
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench:soak failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
