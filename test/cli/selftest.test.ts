import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, CLI, ROOT, runCli } from './built-cli.js';

/** A passive range of this run's own (below the ephemeral ports), so parallel suites do not collide. */
const BASE = 24000 + (process.pid % 120) * 64;
const RANGE = `${BASE}-${BASE + 63}`;
/** Our own tmux server socket and session: nothing of anyone else's is touched. */
const SOCKET = `ftpdoctor-test-${process.pid}`;
const SESSION = `selftest-${process.pid}`;

const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', timeout: 10_000 });

async function waitForPane(pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = tmux('capture-pane', '-p', '-t', SESSION);
    if (pattern.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`pane never showed ${pattern} within ${timeoutMs} ms; last screen:\n${screen}`);
}

beforeAll(() => buildCli(), 120_000);

describe('selftest in a real terminal (tmux)', () => {
  afterAll(() => {
    try {
      tmux('kill-session', '-t', SESSION);
    } catch {
      // already gone: the session ends with its command
    }
  });

  it('shows the live view and ends green', async () => {
    // CI=true would (rightly) turn the live view off: this test is about the terminal.
    const command = `cd ${ROOT} && env -u CI -u NO_COLOR ${process.execPath} ${CLI} selftest --range ${RANGE}; echo "EXIT=$?"; sleep 120`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '60', command);
    const screen = await waitForPane(/EXIT=\d+/, 60_000);
    expect(screen).toMatch(/EXIT=0/);
    expect(screen).toContain('ftpdoctor · 127.0.0.1:');
    expect(screen).toMatch(/Control\s+✔ ok/);
    expect(screen).toMatch(/Passive\s+✔ ok/);
    expect(screen).toMatch(/Active\s+✔ ok/);
    expect(screen).toMatch(/TLS\s+✔ ok/);
    expect(screen).toContain(`Passive range ${RANGE}`);
    expect(screen).toMatch(/✔ OK /);
    expect(screen).not.toContain('q quit');
    for (const line of screen.split('\n')) expect([...line.trimEnd()].length).toBeLessThanOrEqual(80);
  });
});

describe('selftest piped', () => {
  it('prints plain text without one escape code and exits 0', async () => {
    const r = await runCli(['selftest', '--range', RANGE], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('\x1b');
    expect(r.stderr).toMatch(/^\[ ok \] /m);
    expect(r.stdout.length).toBeGreaterThan(0);
  });

  it('--json prints a green report', async () => {
    const r = await runCli(['selftest', '--range', RANGE, '--json'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    for (const channel of ['control', 'passive', 'active', 'tls']) expect(report.channels[channel].status).toBe('ok');
  });
});
