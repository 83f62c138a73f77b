import { execFile, spawn, type ChildProcess } from 'node:child_process';

/**
 * Commands run by the lab: one-shot commands with a bounded run time, and long-running daemons
 * stopped by the PID this module started (never by name).
 */

export interface RunResult {
  argv: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
  timedOut: boolean;
}

export class LabCommandError extends Error {
  readonly code = 'E_LAB_COMMAND';
  readonly result: RunResult;
  constructor(result: RunResult) {
    super(
      `lab command failed (exit ${result.code ?? result.signal}${result.timedOut ? ', timed out' : ''} after ` +
        `${result.elapsedMs} ms): ${result.argv.join(' ')}\n${result.stderr.trim() || result.stdout.trim()}`,
    );
    this.result = result;
  }
}

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Written to stdin, which is then closed. */
  input?: string;
}

export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('run: empty argv');
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const e = err as
          (NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: NodeJS.Signals }) | null;
        const elapsedMs = Date.now() - started;
        const result: RunResult = {
          argv,
          code: e === null ? 0 : typeof e.code === 'number' ? e.code : null,
          signal: e?.signal ?? null,
          stdout,
          stderr: e !== null && typeof e.code === 'string' ? `${e.code}: ${e.message}` : stderr,
          elapsedMs,
          timedOut: e?.killed === true && elapsedMs >= timeoutMs - 50,
        };
        if (result.code !== 0 && opts.allowFailure !== true) reject(new LabCommandError(result));
        else resolve(result);
      },
    );
    // A command that does not read stdin may exit before the write: that is not a failure.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

/**
 * A daemon started by the lab; its output is kept (capped) for failure messages. Plain fields, no
 * parameter properties: the sweep bench runs this file under node's type stripping.
 */
export class LabProcess {
  readonly name: string;
  readonly argv: string[];
  readonly pid: number;
  private output = '';
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(name: string, argv: string[], env?: NodeJS.ProcessEnv) {
    this.name = name;
    this.argv = argv;
    const [file, ...args] = argv;
    if (file === undefined) throw new Error('LabProcess: empty argv');
    const child: ChildProcess = spawn(file, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) throw new Error(`could not start ${name}: ${argv.join(' ')}`);
    this.pid = child.pid;
    const keep = (chunk: Buffer): void => {
      if (this.output.length < 64 * 1024) this.output += chunk.toString('utf8');
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      child.on('error', (err) => {
        this.output += `\nspawn error: ${err.message}`;
        this.exitInfo = { code: null, signal: null };
        resolve(this.exitInfo);
      });
    });
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get log(): string {
    return this.output;
  }

  describeExit(): string {
    return this.exitInfo === undefined ? 'running' : `exited (${this.exitInfo.code ?? this.exitInfo.signal})`;
  }

  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
  async stop(graceMs = 2_000): Promise<void> {
    if (!this.running) return;
    signalPid(this.pid, 'SIGTERM');
    const timer = delay(graceMs).then(() => 'timeout' as const);
    if ((await Promise.race([this.exited, timer])) === 'timeout') {
      signalPid(this.pid, 'SIGKILL');
      await Promise.race([this.exited, delay(graceMs)]);
    }
  }
}

export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
