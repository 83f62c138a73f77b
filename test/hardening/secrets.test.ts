import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { converse, startScripted, type ScriptedServer } from '../probe/scripted-server.js';
import { runCli, startServerProcess, type CliRun, type ServerProcess } from './reference-process.js';

/**
 * The test password must appear nowhere the CLI writes: stdout, stderr, the JSON report, the
 * Markdown and text renderings, error messages, and the reference server's own log, whatever
 * happens (the HTML report too): a good login, a wrong one, a server that echoes the password back, an unwritable
 * --output, an interrupted run, a password typed into a URL.
 */

const PASSWORD = 'Sw0rdf1sh-hardening-7f3a';
const WRONG = 'Wr0ng-hardening-secret-91c2';
const dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-secrets-'));
let server: ServerProcess;
let echo: ScriptedServer;
const outputs: Array<{ name: string; text: string }> = [];

beforeAll(async () => {
  server = await startServerProcess(
    ['--pasv-range', '26000-26099', '--user', 'alice', '--password-env', 'FTPDOCTOR_TEST_SERVER_PW'],
    {
      env: { FTPDOCTOR_TEST_SERVER_PW: PASSWORD },
    },
  );
  // A hostile server that repeats whatever PASS carried, in its reply and in a multi-line banner.
  echo = await startScripted('127.0.0.1', (socket: Socket) =>
    converse(socket, '220 echo server\r\n', (command) => {
      const [verb, ...rest] = command.split(' ');
      if (verb?.toUpperCase() === 'USER') return `331 Password for ${rest.join(' ')} please\r\n`;
      if (verb?.toUpperCase() === 'PASS')
        return `530-Your password ${rest.join(' ')} is wrong\r\n 530-${rest.join(' ')}\r\n530 Login incorrect: ${rest.join(' ')}\r\n`;
      return '500 no\r\n';
    }),
  );
});
afterAll(async () => {
  await server?.kill();
  await echo?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  outputs.length = 0;
});

/**
 * Each test checks what it produced itself — its runs' output, every file in the output folder and
 * the server's log so far — so a test passes or fails on its own, in any order.
 */
function expectNothingLeaked(): void {
  const seen = [
    ...outputs,
    ...readdirSync(dir).map((file) => ({ name: `file ${file}`, text: readFileSync(join(dir, file), 'utf8') })),
    { name: 'server log', text: server.output() },
  ];
  expect(outputs.length).toBeGreaterThan(0);
  const leaks = seen.filter((o) => o.text.includes(PASSWORD) || o.text.includes(WRONG)).map((o) => o.name);
  expect(leaks).toEqual([]);
}

function record(name: string, run: CliRun): CliRun {
  outputs.push({ name: `${name}: stdout`, text: run.stdout }, { name: `${name}: stderr`, text: run.stderr });
  return run;
}

function check(
  name: string,
  args: string[],
  password = PASSWORD,
  extra: { onSpawn?: (child: ChildProcess) => void } = {},
): Promise<CliRun> {
  return runCli(['check', ...args, '--sweep', 'off', '--step-timeout', '2s', '--timeout', '30s'], {
    env: { FTPDOCTOR_TEST_PW: password, FTPDOCTOR_DEBUG: '1' },
    timeoutMs: 45_000,
    ...extra,
  }).then((run) => record(name, run));
}

const target = (): string => `127.0.0.1:${server.port}`;
const common = (): string[] => [target(), '-u', 'alice', '--password-env', 'FTPDOCTOR_TEST_PW', '--insecure'];

describe('the password never leaves the process', () => {
  it('a successful login with --json, --output and --html', async () => {
    const run = await check('success --json', [
      ...common(),
      '--json',
      '--output',
      join(dir, 'success.json'),
      '--html',
      join(dir, 'success.html'),
    ]);
    expect(JSON.parse(run.stdout).observations.login.ok).toBe(true);
    expect(run.code).toBe(0);
    expectNothingLeaked();
  });

  it('a successful login rendered as Markdown and as text', async () => {
    expect(
      (await check('success markdown', [...common(), '--format', 'markdown', '--output', join(dir, 'md.json')])).stdout,
    ).toMatch(/^#/m);
    expect((await check('success text', [...common(), '--format', 'text'])).code).toBe(0);
    expectNothingLeaked();
  });

  it('a wrong password, over TLS and in plain text', async () => {
    const tls = await check(
      'wrong tls',
      [target(), '-u', 'alice', '--password-env', 'FTPDOCTOR_TEST_PW', '--tls', '--insecure', '--json'],
      WRONG,
    );
    expect(JSON.parse(tls.stdout).observations.login.ok).toBe(false);
    await check(
      'wrong plain',
      [target(), '-u', 'alice', '--password-env', 'FTPDOCTOR_TEST_PW', '--no-tls', '--output', join(dir, 'wrong.json')],
      WRONG,
    );
    expectNothingLeaked();
  });

  it('a server that echoes the password back in its replies', async () => {
    const echoed = (...output: string[]): string[] => [
      `127.0.0.1:${echo.port}`,
      '-u',
      'bob',
      '--password-env',
      'FTPDOCTOR_TEST_PW',
      '--no-tls',
      ...output,
    ];
    const run = await check(
      'echo json',
      echoed('--json', '--output', join(dir, 'echo.json'), '--html', join(dir, 'echo.html')),
    );
    expect(JSON.parse(run.stdout).observations.login.ok).toBe(false);
    await check('echo text', echoed('--format', 'text'));
    await check('echo markdown', echoed('--format', 'markdown'));
    expectNothingLeaked();
  });

  it('error paths: an unwritable --output, an interrupted run, a password typed into the URL', async () => {
    const unwritable = await check('unwritable output', [...common(), '--output', join(dir, 'missing-dir', 'r.json')]);
    expect(unwritable.stderr).toMatch(/could not be written/);
    const interrupted = await check('interrupted', [...common(), '--json'], PASSWORD, {
      onSpawn: (child) => {
        let err = '';
        child.stderr!.on('data', (c: Buffer) => {
          err += c.toString();
          if (err.includes('Log in')) child.kill('SIGINT');
        });
      },
    });
    expect(interrupted.code).toBe(130);
    for (const scheme of ['ftp', 'ftps', 'http']) {
      const url = await runCli(['check', `${scheme}://alice:${PASSWORD}@bad host/`, '--json'], { timeoutMs: 20_000 });
      record(`password in ${scheme} URL`, url);
      expect(url.code).toBe(2);
    }
    const bare = await runCli(['check', `ftp://alice:${PASSWORD}@127.0.0.1:${server.port}/`, '--json'], {
      timeoutMs: 20_000,
    });
    record('password in a valid URL', bare);
    expect(bare.code).toBe(2);
    expectNothingLeaked();
  });
});
