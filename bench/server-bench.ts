/**
 * Reference-server benchmark (`npm run bench:server`): N concurrent sessions, each USER/PASS, EPSV
 * and LIST, against the ftpdoctor server and against vsftpd started with its own config on
 * 127.0.0.1, in the same run. Prints sessions/s, p50/p99 latency and peak RSS, plus sweep-mode
 * start-up on a full 5,536-port range. Loopback only; every wait is bounded; vsftpd is stopped by PID.
 * Profiling: `npm run bench:server -- --quick --loads 100x5000 --cpu-prof DIR` runs only this server,
 * with the given closed-loop loads, and leaves a V8 CPU profile of the server process in DIR.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SESSION_TIMEOUT_MS = 15_000;
/**
 * Passive range of both servers under load: away from the default 60000-65535, which self-tests and
 * sweep benchmarks running at the same time may fill. Sweep mode is measured on a full-size range.
 */
const LOAD_PASV_RANGE: [number, number] = [50000, 55535];
const SWEEP_RANGE: [number, number] = [60000, 65535];
const PACED = { sessions: 100, intervalMs: 200, durationMs: 10_000 };
/**
 * Sessions run against a fresh server before the closed-loop rows and not counted in them: the first
 * wave of 100 sessions meets cold code (JIT, lazily loaded modules) and, all starting in the same
 * millisecond, moves in lockstep; in a 1,000-session row it alone is 10% of the samples and sets the
 * p99. Its own figures are printed as the "warm-up" row.
 */
const WARMUP = { concurrency: 100, sessions: 300 };
/** --loads 100x5000,500x2000 replaces the default closed-loop loads (for profiling one of them). */
const loadsAt = process.argv.indexOf('--loads');
const LOADS =
  loadsAt > 0
    ? (process.argv[loadsAt + 1] ?? '').split(',').map((spec) => {
        const [concurrency, sessions] = spec.split('x').map(Number);
        return { concurrency: concurrency as number, sessions: sessions as number };
      })
    : [
        { concurrency: 100, sessions: 1000 },
        { concurrency: 500, sessions: 2000 },
      ];

interface SessionTiming {
  ok: boolean;
  totalMs: number;
  pasvListMs: number;
  error?: string;
}

/** One FTP session over a raw socket: login, EPSV, LIST, QUIT. Replies read line by line. */
function runSession(port: number): Promise<SessionTiming> {
  const started = performance.now();
  return new Promise((resolve) => {
    const control = connect({ host: '127.0.0.1', port });
    let buffer = '';
    let step = 0;
    let pasvStart = 0;
    let dataDone = false;
    let transferDone = false;
    let pasvListMs = 0;
    let settled = false;
    let data: Socket | undefined;
    const finish = (ok: boolean, error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      control.destroy();
      data?.destroy();
      resolve({ ok, totalMs: performance.now() - started, pasvListMs, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish(false, `step ${step}: timeout`), SESSION_TIMEOUT_MS);
    const maybeListDone = (): void => {
      if (dataDone && transferDone && step === 5) {
        pasvListMs = performance.now() - pasvStart;
        step = 6;
        control.write('QUIT\r\n');
      }
    };
    control.on('error', (e: NodeJS.ErrnoException) => finish(false, `control ${e.code}`));
    control.setEncoding('latin1');
    control.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (line[3] === '-' || !/^\d{3}/.test(line)) continue;
        const code = Number(line.slice(0, 3));
        const expect = (want: number, next: () => void): void =>
          code === want ? next() : finish(false, `step ${step}: ${line}`);
        switch (step) {
          case 0:
            expect(220, () => ((step = 1), control.write('USER anonymous\r\n')));
            break;
          case 1:
            expect(331, () => ((step = 2), control.write('PASS bench@example.org\r\n')));
            break;
          case 2:
            expect(230, () => ((step = 3), (pasvStart = performance.now()), control.write('EPSV\r\n')));
            break;
          case 3:
            expect(229, () => {
              const dataPort = Number(/\(\|\|\|(\d+)\|\)/.exec(line)?.[1]);
              step = 4;
              data = connect({ host: '127.0.0.1', port: dataPort });
              data.on('error', (e: NodeJS.ErrnoException) => finish(false, `data ${e.code}`));
              data.on('data', () => {});
              data.on('end', () => ((dataDone = true), maybeListDone()));
              control.write('LIST\r\n');
            });
            break;
          case 4:
            expect(150, () => (step = 5));
            break;
          case 5:
            expect(226, () => ((transferDone = true), maybeListDone()));
            break;
          case 6:
            expect(221, () => finish(true));
            break;
        }
      }
    });
  });
}

/** A logged-in control connection that answers one reply per call; used by the paced phase. */
class BenchControl {
  private buffer = '';
  private waiting: Array<(line: string) => void> = [];
  private queued: string[] = [];
  readonly socket: Socket;
  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let i = this.buffer.indexOf('\r\n'); i >= 0; i = this.buffer.indexOf('\r\n')) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 2);
        if (line[3] === '-' || !/^\d{3}/.test(line)) continue;
        const w = this.waiting.shift();
        if (w) w(line);
        else this.queued.push(line);
      }
    });
  }
  static async open(port: number): Promise<BenchControl> {
    const socket = connect({ host: '127.0.0.1', port });
    const c = new BenchControl(socket);
    try {
      await c.next();
      await c.send('USER anonymous');
      const pass = await c.send('PASS bench@example.org');
      if (!pass.startsWith('230')) throw new Error(`login: ${pass}`);
      return c;
    } catch (err) {
      socket.destroy();
      throw err;
    }
  }
  next(): Promise<string> {
    const q = this.queued.shift();
    if (q !== undefined) return Promise.resolve(q);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('reply timeout')), SESSION_TIMEOUT_MS);
      this.waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }
  send(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }
  /** EPSV + LIST, complete when both the data and the 226 have arrived. */
  async epsvList(): Promise<void> {
    const epsv = await this.send('EPSV');
    const port = Number(/\(\|\|\|(\d+)\|\)/.exec(epsv)?.[1]);
    if (!port) throw new Error(`EPSV: ${epsv}`);
    const data = connect({ host: '127.0.0.1', port });
    try {
      const dataDone = new Promise<void>((resolve, reject) => {
        data.on('data', () => {});
        data.on('end', resolve);
        data.on('error', reject);
      });
      const opening = await this.send('LIST');
      if (!opening.startsWith('150')) throw new Error(`LIST: ${opening}`);
      const done = await this.next();
      if (!done.startsWith('226')) throw new Error(`LIST: ${done}`);
      await dataDone;
    } finally {
      data.destroy();
    }
  }
}

/**
 * Paced load: `sessions` logged-in sessions held open at once, each doing EPSV+LIST every
 * `intervalMs` for `durationMs`: the latency a user sees with that many concurrent sessions,
 * unlike the closed loop above, which measures the saturated server (latency = queue length).
 */
async function runPaced(port: number, sessions: number, intervalMs: number, durationMs: number) {
  const latencies: number[] = [];
  let failures = 0;
  const controls = await Promise.all(
    Array.from({ length: sessions }, () => BenchControl.open(port).catch(() => undefined)),
  );
  failures += controls.filter((c) => !c).length;
  const t0 = performance.now();
  await Promise.all(
    controls.map(async (c, i) => {
      if (!c) return;
      // spread the sessions evenly over one interval
      for (
        let k = 0, due = t0 + (i * intervalMs) / sessions;
        due < t0 + durationMs;
        k++, due = t0 + (i * intervalMs) / sessions + k * intervalMs
      ) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const started = performance.now();
        try {
          await c.epsvList();
          latencies.push(performance.now() - started);
        } catch {
          failures++;
        }
      }
      c.socket.end('QUIT\r\n');
    }),
  );
  for (const c of controls) c?.socket.destroy();
  latencies.sort((a, b) => a - b);
  return {
    sessions,
    operations: latencies.length,
    failures,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    opsPerSecond: latencies.length / (durationMs / 1000),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** CPU seconds (user+system) used so far by one process. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

/** RSS of a process and all its descendants (vsftpd forks per session), in KiB. */
function treeRssKiB(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      continue; // exited while we looked
    }
  }
  let total = 0;
  const stack = [rootPid];
  for (let guard = 0; stack.length > 0 && guard < 100_000; guard++) {
    const pid = stack.pop() as number;
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(m?.[1] ?? 0);
    } catch {
      continue;
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Peak RSS of a single process as the kernel kept it (VmHWM), in KiB: no sampling needed. */
function highWaterKiB(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/**
 * Closed loop: `concurrency` clients each running sessions back to back. `forking` servers (vsftpd)
 * spread over many processes, whose RSS is sampled; for a single process the kernel's high-water
 * mark is exact and costs the client nothing.
 */
async function runLoad(port: number, pid: number, concurrency: number, sessions: number, forking: boolean) {
  const timings: SessionTiming[] = [];
  let next = 0;
  let peakKiB = 0;
  const sampler = forking ? setInterval(() => (peakKiB = Math.max(peakKiB, treeRssKiB(pid))), 100) : undefined;
  const t0 = performance.now();
  const cpu0 = cpuSeconds(pid);
  const benchCpu0 = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (next < sessions) {
      next++;
      timings.push(await runSession(port));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - t0;
  const serverCpu = cpuSeconds(pid) - cpu0;
  const benchCpuUs = process.cpuUsage(benchCpu0);
  clearInterval(sampler);
  peakKiB = forking ? Math.max(peakKiB, treeRssKiB(pid)) : highWaterKiB(pid);
  const ok = timings.filter((t) => t.ok);
  const total = ok.map((t) => t.totalMs).sort((a, b) => a - b);
  const pasvList = ok.map((t) => t.pasvListMs).sort((a, b) => a - b);
  const errors = new Map<string, number>();
  for (const t of timings) if (!t.ok) errors.set(t.error ?? '?', (errors.get(t.error ?? '?') ?? 0) + 1);
  return {
    concurrency,
    sessions,
    failures: sessions - ok.length,
    perSecond: ok.length / (elapsed / 1000),
    p50: percentile(total, 50),
    p99: percentile(total, 99),
    pasvListP50: percentile(pasvList, 50),
    pasvListP99: percentile(pasvList, 99),
    peakRssMiB: peakKiB / 1024,
    serverCpuMsPerSession: (serverCpu * 1000) / sessions,
    clientCpuMsPerSession: (benchCpuUs.user + benchCpuUs.system) / 1000 / sessions,
    errors: [...errors].slice(0, 3),
  };
}

function readFirstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no start-up line within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on('data', (c: Buffer) => {
      text += c.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(text.slice(0, nl));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before starting`)));
  });
}

/** Stops a child we started, by its PID; `group` also stops the processes it forked (vsftpd sessions). */
function stop(child: ChildProcess, group = false): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return Promise.resolve();
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(group ? -pid : pid, sig);
    } catch {
      // already gone
    }
  };
  if (child.exitCode !== null && !group) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal('SIGKILL');
      resolve();
    }, 5000);
    const done = (): void => {
      clearTimeout(timer);
      if (group) signal('SIGKILL'); // session processes left behind by the parent
      resolve();
    };
    if (child.exitCode !== null) done();
    else child.once('exit', done);
    signal('SIGTERM');
  });
}

async function startOurs(sweep: boolean) {
  // --cpu-prof DIR: the server process writes a V8 CPU profile there when it stops
  const profileAt = process.argv.indexOf('--cpu-prof');
  const profile = profileAt > 0 && !sweep ? ['--cpu-prof', `--cpu-prof-dir=${process.argv[profileAt + 1] ?? '.'}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      '--experimental-strip-types',
      '--no-warnings',
      fileURLToPath(import.meta.url),
      '--serve',
      ...(sweep ? ['--sweep'] : []),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const info = JSON.parse(await readFirstLine(child, 30_000)) as { port: number; startMs: number; sweepPorts: number };
  return { child, ...info };
}

/** vsftpd with its own config: anonymous, read-only, no session limits, on a high loopback port. */
async function startVsftpd(dir: string) {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'pub'), { recursive: true });
  // vsftpd's anonymous sessions run as the ftp user, which must be able to enter the temporary dir
  chmodSync(dir, 0o755);
  writeFileSync(join(root, 'README.txt'), 'bench\n');
  for (let i = 0; i < 4; i++) writeFileSync(join(root, `file-${i}.txt`), 'x'.repeat(100 * (i + 1)));
  const port = 20000 + Math.floor(Math.random() * 10000);
  const conf = join(dir, 'vsftpd.conf');
  writeFileSync(
    conf,
    [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=YES',
      'local_enable=NO',
      'write_enable=NO',
      `anon_root=${root}`,
      'pasv_enable=YES',
      `pasv_min_port=${LOAD_PASV_RANGE[0]}`,
      `pasv_max_port=${LOAD_PASV_RANGE[1]}`,
      'max_clients=0',
      'max_per_ip=0',
      'seccomp_sandbox=NO',
      'xferlog_enable=NO',
      'dirmessage_enable=NO',
      'secure_chroot_dir=/var/run/vsftpd/empty',
      'connect_from_port_20=NO',
      'ssl_enable=NO',
      '',
    ].join('\n'),
  );
  // its own process group: vsftpd forks a process per session, and those must stop with it
  const child = spawn('/usr/sbin/vsftpd', [conf], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const probe = await runSession(port);
    if (probe.ok) return { child, port };
    if (child.exitCode !== null) break;
  }
  await stop(child, true);
  throw new Error('vsftpd did not start');
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function printRow(server: string, kind: 'warm-up' | 'closed', r: Awaited<ReturnType<typeof runLoad>>): void {
  console.log(
    `${server.padEnd(10)} ${kind.padEnd(7)} c=${String(r.concurrency).padStart(3)} n=${String(r.sessions).padStart(4)}  ` +
      `fail=${String(r.failures).padStart(3)}  ${fmt(r.perSecond, 0).padStart(5)} sessions/s  ` +
      `session p50 ${fmt(r.p50)} ms p99 ${fmt(r.p99)} ms  EPSV+LIST p50 ${fmt(r.pasvListP50)} ms p99 ${fmt(r.pasvListP99)} ms  ` +
      `peak RSS ${fmt(r.peakRssMiB)} MiB  CPU/session server ${fmt(r.serverCpuMsPerSession, 2)} ms client ${fmt(r.clientCpuMsPerSession, 2)} ms${r.errors.length ? `  errors ${JSON.stringify(r.errors)}` : ''}`,
  );
}

function printPaced(server: string, r: Awaited<ReturnType<typeof runPaced>>): void {
  console.log(
    `${server.padEnd(10)} paced   ${r.sessions} sessions open, each EPSV+LIST every ${PACED.intervalMs} ms: ` +
      `${r.operations} ops (${fmt(r.opsPerSecond, 0)}/s), fail=${r.failures}, EPSV+LIST p50 ${fmt(r.p50)} ms p90 ${fmt(r.p90)} ms p95 ${fmt(r.p95)} ms p99 ${fmt(r.p99)} ms max ${fmt(r.max)} ms`,
  );
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}; a session is login, EPSV, LIST, QUIT`,
  );
  console.log(
    `rows: warm-up  ${WARMUP.sessions} sessions, ${WARMUP.concurrency} clients back to back, on the fresh server (cold code); not counted below`,
  );
  console.log(
    `      closed   ${LOADS.map((l) => `${l.sessions} sessions by ${l.concurrency} clients`).join(', ')}, each client starting its next session the moment one ends (no pause):`,
  );
  console.log(
    `               the server saturated; latency = work + queueing behind the other ${LOADS.map((l) => l.concurrency - 1).join('/')} clients`,
  );
  console.log(
    `      paced    ${PACED.sessions} logged-in sessions, each EPSV+LIST every ${PACED.intervalMs} ms for ${PACED.durationMs / 1000} s: the latency a user sees`,
  );
  const results: Record<string, Array<Awaited<ReturnType<typeof runLoad>>>> = { ftpdoctor: [], vsftpd: [] };
  const paced: Record<string, Awaited<ReturnType<typeof runPaced>>> = {};
  // The same rows, in the same order, for each server: warm-up (not counted), closed loads, paced.
  const measure = async (name: 'ftpdoctor' | 'vsftpd', port: number, pid: number): Promise<void> => {
    const isVsftpd = name === 'vsftpd';
    printRow(name, 'warm-up', await runLoad(port, pid, WARMUP.concurrency, WARMUP.sessions, isVsftpd));
    for (const load of LOADS) {
      const r = await runLoad(port, pid, load.concurrency, load.sessions, isVsftpd);
      results[name]?.push(r);
      printRow(name, 'closed', r);
    }
    const p = await runPaced(port, PACED.sessions, PACED.intervalMs, PACED.durationMs);
    paced[name] = p;
    printPaced(name, p);
  };
  const ours = await startOurs(false);
  try {
    await measure('ftpdoctor', ours.port, ours.child.pid as number);
  } finally {
    await stop(ours.child);
  }
  // --quick: only this server, for profiling
  if (process.argv.includes('--quick')) return;
  const dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-bench-vsftpd-'));
  try {
    const vsftpd = await startVsftpd(dir);
    try {
      await measure('vsftpd', vsftpd.port, vsftpd.child.pid as number);
    } finally {
      await stop(vsftpd.child, true);
    }
  } catch (err) {
    console.log(`vsftpd: not measured (${(err as Error).message})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (paced.ftpdoctor && paced.vsftpd) {
    console.log(`ratio ftpdoctor/vsftpd paced: EPSV+LIST p99 ${fmt(paced.ftpdoctor.p99 / paced.vsftpd.p99, 2)}x`);
  }
  for (let i = 0; i < LOADS.length; i++) {
    const a = results.ftpdoctor?.[i];
    const b = results.vsftpd?.[i];
    if (a && b) {
      console.log(
        `ratio ftpdoctor/vsftpd at c=${a.concurrency}: throughput ${fmt(a.perSecond / b.perSecond, 2)}x, ` +
          `EPSV+LIST p99 ${fmt(a.pasvListP99 / b.pasvListP99, 2)}x, peak RSS ${fmt(a.peakRssMiB / b.peakRssMiB, 2)}x`,
      );
    }
  }
  const sweep = await startOurs(true);
  const sweepRss = treeRssKiB(sweep.child.pid as number) / 1024;
  const fds = readdirSync(`/proc/${sweep.child.pid}/fd`).length;
  await stop(sweep.child);
  console.log(
    `sweep mode: ${sweep.sweepPorts} of ${SWEEP_RANGE[1] - SWEEP_RANGE[0] + 1} ports listening, started in ${fmt(sweep.startMs, 0)} ms, ${fds} fds, RSS ${fmt(sweepRss)} MiB`,
  );

  const at100 = results.ftpdoctor?.find((r) => r.concurrency === 100);
  const at500 = results.ftpdoctor?.find((r) => r.concurrency === 500);
  const p = paced.ftpdoctor;
  const latencyMet = p !== undefined && p.failures === 0 && p.p99 < 50;
  const closedMet = at100 !== undefined && at100.failures === 0 && at100.pasvListP99 < 50;
  const targets = [
    `500 concurrent with zero failures: ${at500?.failures === 0 ? 'met' : 'NOT met'}`,
    `EPSV+LIST p99 < 50 ms at 100 concurrent sessions: paced ${latencyMet ? 'met' : 'NOT met'} (${fmt(p?.p99 ?? NaN)} ms), ` +
      `closed loop after warm-up ${closedMet ? 'met' : 'NOT met'} (${fmt(at100?.pasvListP99 ?? NaN)} ms)`,
  ];
  console.log(`targets: ${targets.join('; ')}`);
  if (at500?.failures !== 0 || !latencyMet) process.exitCode = 1;
}

// ---------- child mode: the ftpdoctor server in its own process, so its RSS is its own ----------
async function serveChild(): Promise<void> {
  // The built server (npm run build): the sources use TypeScript that type stripping cannot run.
  const { startServer } = (await import(
    pathToFileURL(join(HERE, '../dist/server/index.js')).href
  )) as typeof import('../src/server/index.js');
  const sweep = process.argv[3] === '--sweep';
  const t0 = performance.now();
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    sweepMode: sweep,
    pasvRange: sweep ? SWEEP_RANGE : LOAD_PASV_RANGE,
    limits: { maxSessions: 5000, maxSessionsPerIp: 5000 },
  });
  const startMs = performance.now() - t0;
  process.stdout.write(
    `${JSON.stringify({ port: server.port, startMs, sweepPorts: server.sweepPorts?.length ?? 0 })}\n`,
  );
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

if (process.argv[2] === '--serve') {
  await serveChild();
} else {
  await main();
  // anything still open now is a leak of this benchmark: name it, then end the run regardless
  const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
  if (left.length > 0) console.error(`bench: still open at the end: ${[...new Set(left)].join(', ')}`);
  process.exit();
}
