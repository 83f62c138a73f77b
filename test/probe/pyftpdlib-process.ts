import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { DEBIAN_PYTHON, PYFTPDLIB_LAUNCHER } from '../lab/servers/pyftpdlib.js';

/** Whether Debian's python3-pyftpdlib can be imported here. */
export function pyftpdlibAvailable(): boolean {
  const r = spawnSync(DEBIAN_PYTHON, ['-c', 'import pyftpdlib.handlers'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

export interface PyftpdlibProcess {
  port: number;
  /** Everything the server logged (pyftpdlib logs each command and refusal to stderr). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts the launcher on loopback with port 0 and waits (bounded) for the "listening <port>" line.
 * Stopped by the PID of the child it spawned.
 */
export async function startPyftpdlib(args: string[], env: NodeJS.ProcessEnv = {}): Promise<PyftpdlibProcess> {
  const child: ChildProcess = spawn(
    DEBIAN_PYTHON,
    [PYFTPDLIB_LAUNCHER, '--address', '127.0.0.1', '--port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, ...env },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`pyftpdlib did not start within 10 s: ${stderr}`)), 10_000);
      child.stdout?.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /listening (\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`pyftpdlib exited (${code}): ${stderr}`));
      });
    });
    return { port, log: () => stderr, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
