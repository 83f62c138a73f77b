import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { startScripted, type ScriptedServer } from '../probe/scripted-server.js';
import { schemaErrors } from '../report/report-schema.js';
import { buildCli, passiveRange, removeCliBuild, runCli } from './built-cli.js';

const PASV = passiveRange(0);
const RANGE = PASV.text;
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

let server: RunningServer;
let silent: ScriptedServer | undefined;
let dir: string;

beforeAll(async () => {
  buildCli();
  dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-cli-'));
  server = await startServer({ host: '127.0.0.1', port: 0, pasvRange: [PASV.from, PASV.to], sweepMode: true });
  // Accepts and never greets: a check against it waits on the greeting until stopped.
  silent = await startScripted('127.0.0.1', () => undefined);
}, 120_000);

afterAll(async () => {
  removeCliBuild();
  await server?.close();
  await silent?.close();
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
    [
      ['check', '127.0.0.1', '--user', 'alice', '--password-env', 'FTPDOCTOR_TEST_UNSET_VAR'],
      /FTPDOCTOR_TEST_UNSET_VAR is not set/,
    ],
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
    for (const code of [
      'CONTROL_UNREACHABLE',
      'PASSIVE_PORTS_BLOCKED',
      'ACTIVE_NAT',
      'TLS_BREAKS_ALG',
      'LOCAL_RESOURCE',
    ]) {
      expect(lines.some((l) => l.startsWith(`${code} `))).toBe(true);
    }
    expect(lines.length).toBeGreaterThanOrEqual(17);
  });

  it('CODE prints its meaning and fix, case-insensitively', async () => {
    const r = await runCli(['explain', 'passive_ports_blocked']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASSIVE_PORTS_BLOCKED: /);
    expect(r.stdout).toContain('How to fix:');
  });
});

describe('check against a reference server started by the test', () => {
  it('--json prints only the report, with every channel, and exits 0', async () => {
    const r = await runCli([
      'check',
      '127.0.0.1',
      '--port',
      String(server.port),
      '--range',
      RANGE,
      '--tls',
      '--insecure',
      '--json',
    ]);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(schemaErrors(report)).toBe('');
    for (const channel of ['control', 'passive', 'active', 'tls']) expect(report.channels[channel].status).toBe('ok');
    expect(report.sweep.range).toEqual([PASV.from, PASV.to]);
    expect(report.verdict).toBe('ok');
    expect(r.stdout).not.toContain('\x1b');
  });

  it('--output writes the same report to a file; --format markdown prints a plain summary', async () => {
    const file = join(dir, 'report.json');
    const r = await runCli([
      '127.0.0.1:' + server.port,
      '--range',
      RANGE,
      '--sweep',
      'sample',
      '--insecure',
      '--format',
      'markdown',
      '--output',
      file,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toMatch(/^#/m);
    expect(existsSync(file)).toBe(true);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(schemaErrors(report)).toBe('');
    expect(report.channels.passive.status).toBe('ok');
    expect(r.stderr).toMatch(/^\[ ok \] /m);
  });

  it('a report that cannot be written is one error line and exit 3; stdout still has the report', async () => {
    const r = await runCli([
      'check',
      '127.0.0.1',
      '--port',
      String(server.port),
      '--range',
      RANGE,
      '--sweep',
      'off',
      '--insecure',
      '--json',
      '--output',
      join(dir, 'missing', 'r.json'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: the report could not be written to .*missing\/r\.json: ENOENT$/m);
    expect(JSON.parse(r.stdout).verdict).toBe('ok');
  });

  it('a password from --password-env logs in and appears nowhere in the output', async () => {
    const password = 'tr0ub4dor-cli-test';
    // Not in sweep mode: it binds one free port of the default range per PASV.
    const account = await startServer({ host: '127.0.0.1', port: 0, user: 'bob', password, anonymous: false });
    try {
      const r = await runCli(
        [
          'check',
          `ftp://bob@127.0.0.1:${account.port}`,
          '--password-env',
          'FTPDOCTOR_TEST_PW',
          '--sweep',
          'off',
          '--insecure',
          '--json',
        ],
        {
          env: { FTPDOCTOR_TEST_PW: password },
        },
      );
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).channels.control.status).toBe('ok');
      expect(r.stdout + r.stderr).not.toContain(password);
    } finally {
      await account.close();
    }
  });

  it('by default tries TLS, names an untrusted certificate without accepting it, and checks the rest in plain text (anonymous)', async () => {
    const r = await runCli(['check', `127.0.0.1:${server.port}`, '--range', RANGE, '--sweep', 'sample', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(schemaErrors(report)).toBe('');
    expect(report.options.tls).toBe('auto');
    expect(report.findings.find((f: { code: string }) => f.code === 'TLS_CERT_UNTRUSTED')?.severity).toBe('warning');
    expect(report.channels.tls.status).toBe('blocked');
    for (const channel of ['control', 'passive', 'active']) expect(report.channels[channel].status).toBe('ok');
    expect(report.sweep.range).toEqual([PASV.from, PASV.to]);
    expect(report.observations.tls.insecureAccepted).toBe(false);
  });

  it('with a password, stops at an untrusted certificate instead of logging in without TLS, and says how to go on', async () => {
    const password = 'cert-stop-pw-7Qz';
    const account = await startServer({ host: '127.0.0.1', port: 0, user: 'bob', password, anonymous: false });
    try {
      const r = await runCli(
        [
          'check',
          `ftp://bob@127.0.0.1:${account.port}`,
          '--password-env',
          'FTPDOCTOR_TEST_PW',
          '--sweep',
          'off',
          '--json',
        ],
        {
          env: { FTPDOCTOR_TEST_PW: password },
        },
      );
      expect(r.code).toBe(3);
      const report = JSON.parse(r.stdout);
      expect(schemaErrors(report)).toBe('');
      const cert = report.findings.find((f: { code: string }) => f.code === 'TLS_CERT_UNTRUSTED');
      expect(cert?.severity).toBe('error');
      expect(cert?.fix.join(' ')).toMatch(/--insecure[^]*--no-tls/);
      expect(report.channels.passive.status).toBe('error');
      expect(report.transcript.map((l: { text: string }) => l.text)).not.toContain('PASS ***');
      expect(r.stdout + r.stderr).not.toContain(password);
    } finally {
      await account.close();
    }
  });

  it('exits 1 when the control channel is refused, still with a JSON report', async () => {
    const closed = await startScripted('127.0.0.1', () => undefined);
    const port = closed.port;
    await closed.close();
    const r = await runCli(['check', '127.0.0.1', '--port', String(port), '--sweep', 'off', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(schemaErrors(report)).toBe('');
    expect(report.channels.control.status).toBe('blocked');
    expect(report.findings.map((f: { code: string }) => f.code)).toContain('CONTROL_UNREACHABLE');
  });

  it('Ctrl-C stops within a second, prints the partial report marked incomplete, exits 130', async () => {
    // The silent server never greets: without the interrupt the check would wait out --step-timeout.
    let sentAt = 0;
    const r = await runCli(
      ['check', '127.0.0.1', '--port', String(silent?.port), '--range', RANGE, '--json', '--step-timeout', '20s'],
      {
        onSpawn: (child) => {
          let seen = '';
          child.stderr?.on('data', (d: Buffer) => {
            seen += d.toString();
            // Connected: the check now waits for a greeting that never comes.
            if (sentAt === 0 && /^\[ ok \] Connect/m.test(seen)) {
              sentAt = performance.now();
              child.kill('SIGINT');
            }
          });
        },
      },
    );
    const stoppedAfterMs = performance.now() - sentAt;
    expect(sentAt).toBeGreaterThan(0);
    expect(r.code).toBe(130);
    // Well under the 20 s step timeout: the run was stopped, not waited out (1 s plus process teardown).
    expect(stoppedAfterMs).toBeLessThan(2500);
    const report = JSON.parse(r.stdout);
    expect(schemaErrors(report)).toBe('');
    expect(report.complete).toBe(false);
    expect(r.stderr).toContain('stopping: Ctrl-C');
  });
});
