import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/index.js';
import { buildCli, CLI, passiveRange, removeCliBuild, ROOT, runCli } from '../cli/built-cli.js';
import { tmuxPerTest } from '../cli/tmux-session.js';
import { OTHER_FINGERPRINT, startPinnedServer } from '../probe/pinned-server.js';

/**
 * The single executable as a customer gets it (issue 16): built once by build/exe/build-exe.ts from
 * a compiled copy of the CLI, then copied alone into an empty folder (no node_modules, no
 * package.json) and run there: piped, in a real terminal (tmux), as a server curl talks to, and
 * against the reference server with its self-signed certificate.
 */
const PASV = passiveRange(1);
const PASSWORD = 'exe-s3cret-Kw91';
const NAME = 'ftpdoctor-linux-x64';
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

let buildDir: string;
let exeDir: string;
let exe: string;
let account: RunningServer;
let fingerprint: string;

const run = (args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) =>
  runCli(args, { ...opts, program: { path: exe, cwd: exeDir } });

const terminal = tmuxPerTest('exe');

beforeAll(async () => {
  buildCli();
  buildDir = mkdtempSync(join(tmpdir(), 'ftpdoctor-exe-build-'));
  execFileSync(process.execPath, [join(ROOT, 'build/exe/build-exe.ts'), '--entry', CLI, '--out', buildDir], {
    cwd: ROOT,
    timeout: 300_000,
    stdio: 'pipe',
  });
  exeDir = mkdtempSync(join(tmpdir(), 'ftpdoctor-exe-alone-'));
  exe = join(exeDir, NAME);
  copyFileSync(join(buildDir, NAME), exe);
  execFileSync('chmod', ['755', exe]);
  ({ server: account, fingerprint } = await startPinnedServer({
    commonName: 'exe test',
    user: 'alice',
    password: PASSWORD,
    pasvRange: [PASV.from, PASV.to],
  }));
}, 360_000);

afterAll(async () => {
  removeCliBuild();
  await account?.close();
  for (const dir of [buildDir, exeDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux' && process.arch === 'x64')(
  'the single executable, alone in a folder',
  () => {
    it('needs nothing beside it and prints the package version', async () => {
      expect(readdirSync(exeDir)).toEqual([NAME]);
      const r = await run(['--version']);
      expect(r).toMatchObject({ code: 0, stdout: `${version}\n` });
    });

    it('explains its findings', async () => {
      const r = await run(['explain', '--list']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^PASSIVE_PORTS_BLOCKED\s+\S/m);
    });

    it('answers a usage error with one line and exit 2, and no arguments without a terminal with the short usage', async () => {
      const bad = await run(['check', '127.0.0.1', '--port', '99999']);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/^error: .*99999/);
      const none = await run([]);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/^usage: ftpdoctor HOST/);
    });

    it('runs selftest piped: plain text, no escape sequences, exit 0', async () => {
      const r = await run(['selftest', '--range', PASV.text, '--sweep', 'sample'], { timeoutMs: 90_000 });
      expect(r).toMatchObject({ code: 0 });
      expect(r.stdout).toMatch(/Passive/);
      expect(r.stdout + r.stderr).not.toContain('\u001b');
    }, 100_000);

    it('serves FTP that curl can list', async () => {
      const child = spawn(exe, ['serve', '--host', '127.0.0.1', '--port', '0', '--pasv-range', PASV.text], {
        cwd: exeDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      try {
        const port = await new Promise<number>((resolve, reject) => {
          let out = '';
          const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000);
          child.stdout.setEncoding('utf8').on('data', (d: string) => {
            out += d;
            const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
            if (m) {
              clearTimeout(timer);
              resolve(Number(m[1]));
            }
          });
        });
        const listing = execFileSync('curl', ['-sS', '--max-time', '15', `ftp://127.0.0.1:${port}/`], {
          encoding: 'utf8',
          timeout: 20_000,
        });
        expect(listing).toMatch(/README/);
      } finally {
        child.kill('SIGTERM');
        await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }, 60_000);

    it('shows the live view in a terminal', async () => {
      const tty = terminal();
      tty.start(`cd ${exeDir} && env -u CI -u NO_COLOR ./${NAME} selftest --range ${PASV.text} --sweep sample`);
      const screen = await tty.waitFor(/EXIT=\d+/, 90_000);
      expect(screen).toMatch(/EXIT=0/);
      expect(screen).toMatch(/Passive range/);
      expect(screen).toMatch(/✔ OK/);
    }, 100_000);

    it('started without arguments, asks for server, user and password, the certificate, saves the report beside itself', async () => {
      const tty = terminal();
      tty.start(`cd /tmp && env -u CI -u NO_COLOR ${exe}`);
      await tty.waitFor(/FTP server \(name, address or ftp:\/\/ URL\):/, 20_000);
      tty.keys(`127.0.0.1:${account.port}`, 'Enter');
      await tty.waitFor(/User name \(empty for anonymous\):/, 10_000);
      tty.keys('alice', 'Enter');
      await tty.waitFor(/Password for alice@127\.0\.0\.1:/, 10_000);
      tty.keys('-l', PASSWORD);
      tty.keys('Enter');
      const asked = await tty.waitFor(/Trust this certificate for this check\? \[y\/N\]/, 30_000);
      expect(asked).toContain('CN=exe test');
      expect(asked).toContain(fingerprint.slice(0, 47));
      expect(asked).toContain(fingerprint.slice(48));
      tty.keys('y');
      // A password login under TLS: the live view asks before any plain-text comparison; no is the default.
      await tty.waitFor(/Run the plain-text comparison with your login\? \[y\/N\]/, 30_000);
      tty.keys('Enter');
      const save = await tty.waitFor(
        /Save the report next to ftpdoctor\?\n +(\S+\.json) \(for support\)\n +\S+\.html \(to read in a browser\)\n\[Y\/n\]/,
        60_000,
      );
      tty.keys('Enter');
      await tty.waitFor(/Press any key to close\./, 10_000);
      tty.keys('x');
      const last = await tty.waitFor(/EXIT=\d+/, 10_000);
      expect(last).toMatch(/EXIT=0/);
      for (const screen of [asked, save, last]) expect(screen).not.toContain(PASSWORD);
      const file = /(\S+\.json) \(for support\)/.exec(save)?.[1] ?? '';
      const page = file.replace(/\.json$/, '.html');
      expect(readdirSync(exeDir).sort()).toEqual([NAME, file, page].sort());
      const text = readFileSync(join(exeDir, file), 'utf8');
      expect(text).not.toContain(PASSWORD);
      const html = readFileSync(join(exeDir, page), 'utf8');
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).not.toContain(PASSWORD);
      const report = JSON.parse(text) as { certificateAccepted?: { by: string; fingerprint256: string } };
      expect(report.certificateAccepted).toMatchObject({ by: 'user', fingerprint256: fingerprint });
      rmSync(join(exeDir, file));
      rmSync(join(exeDir, page));
    }, 120_000);

    it('--trust-fingerprint goes on with the pinned certificate and stops at any other, naming both', async () => {
      const check = (pin: string) =>
        run(
          [
            'check',
            `127.0.0.1:${account.port}`,
            '--tls',
            '--user',
            'alice',
            '--password-env',
            'EXE_TEST_PASSWORD',
            '--sweep',
            'off',
            '--trust-fingerprint',
            pin,
          ],
          { env: { EXE_TEST_PASSWORD: PASSWORD }, timeoutMs: 60_000 },
        );
      const pinned = await check(fingerprint.replaceAll(':', '').toLowerCase());
      expect(pinned).toMatchObject({ code: 0 });
      expect(pinned.stdout).toMatch(/accepted by its --trust-fingerprint/);
      // Stopped before login: the required passive channel could not be tested (exit 3, as for any untrusted certificate).
      const other = await check(OTHER_FINGERPRINT);
      expect(other.code).toBe(3);
      expect(other.stdout).toContain(fingerprint);
      expect(other.stdout).toContain(OTHER_FINGERPRINT);
    }, 130_000);
  },
);
