import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Runs the built CLI the way a person does: a child process with Node 24 (process.execPath inside
 * vitest), its exit code, stdout and stderr. Every run is bounded.
 *
 * Each test file compiles its own copy (tsc, as `npm run build` does) into a folder of its own
 * beside dist/, at the same depth so package.json and node_modules resolve as from dist/: a
 * parallel build of dist/ by another suite can never hand a test half-written files.
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT_DIR = `${ROOT}.cli-test-build-${process.pid}`;
export const CLI = `${OUT_DIR}/cli.js`;

export function buildCli(): void {
  execFileSync(`${ROOT}node_modules/.bin/tsc`, ['-p', 'tsconfig.json', '--outDir', OUT_DIR], {
    cwd: ROOT,
    timeout: 120_000,
    stdio: 'pipe',
  });
}

export function removeCliBuild(): void {
  rmSync(OUT_DIR, { recursive: true, force: true });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export function runCli(
  args: string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    onSpawn?: (child: ReturnType<typeof spawn>) => void;
    /** Another ftpdoctor to run (the single executable) and its folder; default: Node with the built CLI. */
    program?: { path: string; cwd: string };
  } = {},
): Promise<CliResult> {
  const started = performance.now();
  const [command, before]: [string, string[]] = opts.program ? [opts.program.path, []] : [process.execPath, [CLI]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...before, ...args], {
      cwd: opts.program?.cwd ?? ROOT,
      env: { ...process.env, CI: '', NO_COLOR: '', FORCE_COLOR: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`ftpdoctor ${args.join(' ')} did not end within ${opts.timeoutMs ?? 20_000} ms; stderr: ${stderr}`),
      );
    }, opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - started });
    });
    opts.onSpawn?.(child);
  });
}

/**
 * A 64-port passive range for one test file: each file has its own band (below the ephemeral
 * ports, 32768 and up), and each run its own slot in it, so suites running side by side never
 * put two sweep-mode servers on the same ports.
 */
export function passiveRange(band: 0 | 1 | 2): { from: number; to: number; text: string } {
  const from = 20000 + band * 4096 + (process.pid % 64) * 64;
  return { from, to: from + 63, text: `${from}-${from + 63}` };
}
