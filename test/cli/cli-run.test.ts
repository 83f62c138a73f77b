import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { buildCli, runCli } from './built-cli.js';

/** A passive range of our own below the ephemeral ports, so parallel suites do not share it. */
const BASE = 20000 + (process.pid % 150) * 64;
const RANGE = `${BASE}-${BASE + 63}`;
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

let server: RunningServer;
let silent: Server;
const silentSockets = new Set<Socket>();
let silentPort = 0;
let dir: string;

beforeAll(async () => {
  buildCli();
  dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-cli-'));
  server = await startServer({ host: '127.0.0.1', port: 0, pasvRange: [BASE, BASE + 63], sweepMode: true });
  // Accepts and never greets: a check against it waits on the greeting until stopped.
  silent = createServer((socket) => {
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
}, 120_000);

afterAll(async () => {
  await server?.close();
  for (const s of silentSockets) s.destroy();
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('usage errors from the built CLI', () => {
  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['check', '127.0.0.1', '--port', '99999'], /port 99999 is out of range/],
    [['check', '127.0.0.1', '--range', '65535-60000'], /runs backwards/],
    [['check', '127.0.0.1', '--range', 'abc'], /not a port or a port range/],
    [['check', '127.0.0.1', '--timeout'], /argument missing/],
    [['check', 'ftp://a:b@127.0.0.1'], /--password-env/],
    [['check', '127.0.0.1', '--user', 'alice', '--password-env', 'FTPDOCTOR_TEST_UNSET_VAR'], /FTPDOCTOR_TEST_UNSET_VAR is not set/],
    [['check', '127.0.0.1', '--user', 'alice'], /stdin is not a terminal/],
    [['explain', 'NOT_A_CODE'], /unknown finding code "NOT_A_CODE"/],
  ])('%j exits 2 with one line and no stack trace', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout).toBe('');
  });
});

describe('explain', () => {
  it('--list names every finding code with its title', async () => {
    const r = await runCli(['explain', '--list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    for (const code of ['CONTROL_UNREACHABLE', 'PASSIVE_PORTS_BLOCKED', 'ACTIVE_NAT', 'TLS_BREAKS_ALG', 'LOCAL_RESOURCE']) {
      expect(lines.some((l) => l.startsWith(`${code} `))).toBe(true);
    }
    expect(lines.length).toBeGreaterThanOrEqual(17);
  });

  it('CODE prints its meaning and fix, case-insensitively', async () => {
    const r = await runCli(['explain', 'passive_ports_blocked']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASSIVE_PORTS_BLOCKED: /);
    expect(r.stdout).toContain('Fix:');
  });
});

describe('check against a reference server started by the test', () => {
  it('--json prints only the report, with every channel, and exits 0', async () => {
    const r = await runCli(['check', '127.0.0.1', '--port', String(server.port), '--range', RANGE, '--tls', '--insecure', '--json']);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    for (const channel of ['control', 'passive', 'active', 'tls']) expect(report.channels[channel].status).toBe('ok');
    expect(report.sweep.range).toEqual([BASE, BASE + 63]);
    expect(report.verdict).toBe('ok');
    expect(r.stdout).not.toContain('\x1b');
  });

  it('--output writes the same report to a file; --format markdown prints a plain summary', async () => {
    const file = join(dir, 'report.json');
    const r = await runCli(['127.0.0.1:' + server.port, '--range', RANGE, '--sweep', 'sample', '--format', 'markdown', '--output', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toMatch(/^#/m);
    expect(existsSync(file)).toBe(true);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(report.channels.passive.status).toBe('ok');
    expect(r.stderr).toMatch(/^\[ ok \] /m);
  });

  it('exits 1 when a required channel does not work (active, with the server told not to connect back)', async () => {
    // Nothing listens on the control port of the silent server's neighbour: use a closed port instead
    // to make the control channel fail, which fails every required channel.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await runCli(['check', '127.0.0.1', '--port', String(port), '--sweep', 'off', '--json']);
    expect([1, 3]).toContain(r.code);
    const report = JSON.parse(r.stdout);
    expect(report.channels.control.status).not.toBe('ok');
  });

  it('Ctrl-C stops within a second, prints the partial report marked incomplete, exits 130', async () => {
    let sentAt = 0;
    const r = await runCli(['check', '127.0.0.1', '--port', String(silentPort), '--range', RANGE, '--json', '--step-timeout', '15s'], {
      onSpawn: (child) => {
        setTimeout(() => {
          sentAt = performance.now();
          child.kill('SIGINT');
        }, 1500);
      },
    });
    expect(r.code).toBe(130);
    expect(r.elapsedMs - (sentAt - (performance.now() - r.elapsedMs))).toBeLessThan(60_000);
    const report = JSON.parse(r.stdout);
    expect(report.complete).toBe(false);
  });
});
