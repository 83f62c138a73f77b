import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The reference server as a separate process (`node dist/cli.js serve`), so a test can kill it
 * mid-run, give it other limits than the client, and count its descriptors and memory in /proc.
 * Started and stopped by its own PID, never by name.
 */

export const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
/** Node 24 from node_modules/.bin, whatever node the test runner itself was started with. */
export const NODE = join(ROOT, 'node_modules', '.bin', 'node');

export interface ServerProcess {
  pid: number;
  port: number;
  serverId: string;
  child: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** SIGKILL: the abrupt death a crash or an OOM kill would be. Resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServerProcess(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(NODE, [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const started = Date.now();
  for (;;) {
    const m = /reference server (\w+) listening on 127\.0\.0\.1:(\d+)/.exec(text);
    if (m) return { pid: child.pid!, port: Number(m[2]), serverId: m[1]!, child, output: () => text, kill };
    if (child.exitCode !== null || Date.now() - started > timeoutMs) {
      await kill();
      throw new Error(`reference server did not start: ${text}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Listening TCP sockets of a process: its socket inodes that /proc/net/tcp shows in state 0A (LISTEN). */
export function listeningSockets(pid: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m) inodes.add(m[1]!);
    } catch {
      continue;
    }
  }
  let n = 0;
  for (const table of ['tcp', 'tcp6']) {
    const lines = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && inodes.has(f[9] ?? '')) n++;
    }
  }
  return n;
}

export function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs the built CLI (optionally under a shell prefix such as `ulimit -n 256;`), bounded in time. */
export function runCli(
  args: string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    shellPrefix?: string;
    onSpawn?: (child: ChildProcess) => void;
  } = {},
): Promise<CliRun> {
  const started = Date.now();
  const quoted = [NODE, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = opts.shellPrefix
    ? spawn('bash', ['-c', `${opts.shellPrefix} exec ${quoted}`], {
        env: { ...process.env, ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(NODE, [CLI, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  opts.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}
