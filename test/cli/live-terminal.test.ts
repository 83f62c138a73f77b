import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { startScripted, type ScriptedServer } from '../probe/scripted-server.js';
import { schemaErrors } from '../report/report-schema.js';
import { buildCli, CLI, passiveRange, removeCliBuild, ROOT } from './built-cli.js';
import { TmuxSession } from './tmux-session.js';

const PASV = passiveRange(2);
const RANGE = PASV.text;
const PASSWORD = 'correct-horse-7391';
/** CI=true would (rightly) turn the live view off: these tests are about the terminal. */
const RUN = `cd ${ROOT} && env -u CI -u NO_COLOR ${process.execPath} ${CLI}`;

let account: RunningServer;
let silent: ScriptedServer | undefined;
let dir: string;
let session: TmuxSession | undefined;
let sessions = 0;

function open(): TmuxSession {
  sessions += 1;
  session = new TmuxSession(`live-${process.pid}-${sessions}`);
  return session;
}

beforeAll(async () => {
  buildCli();
  dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-live-'));
  account = await startServer({
    host: '127.0.0.1',
    port: 0,
    pasvRange: [PASV.from, PASV.to],
    user: 'alice',
    password: PASSWORD,
    anonymous: false,
  });
  silent = await startScripted('127.0.0.1', () => undefined);
}, 120_000);

afterEach(() => {
  session?.close();
  session = undefined;
});

afterAll(async () => {
  removeCliBuild();
  await account?.close();
  await silent?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the live view in a real terminal (tmux)', () => {
  it('selftest shows steps, channels, the range map and ends green', async () => {
    const tty = open();
    tty.start(`${RUN} selftest --range ${RANGE}`);
    const screen = await tty.waitFor(/EXIT=\d+/, 60_000);
    expect(screen).toMatch(/EXIT=0/);
    expect(screen).toContain('ftpdoctor · 127.0.0.1:');
    for (const channel of ['Control', 'Passive', 'Active', 'TLS'])
      expect(screen).toMatch(new RegExp(`${channel}\\s+✔ ok`));
    expect(screen).toMatch(/✔ Sweep the passive port range/);
    expect(screen).toContain(`Passive range ${RANGE} · 1 port per cell · 64/64 tested`);
    // A port another program holds right now is honestly shown refused, and the selftest says how many.
    const inUse = Number(/note: (\d+) passive ports? (?:is|are) in use by other programs/.exec(screen)?.[1] ?? 0);
    expect(screen).toContain(`■ open ${64 - inUse}  □ refused (closed/rule) ${inUse}`);
    expect(screen).toMatch(/✔ OK /);
    expect(screen).not.toContain('q quit');
    for (const line of screen.split('\n')) expect([...line.trimEnd()].length).toBeLessThanOrEqual(80);
  });

  it('q stops the check within a second, shows the partial result marked incomplete and exits 130', async () => {
    const tty = open();
    const file = join(dir, 'partial.json');
    tty.start(`${RUN} check 127.0.0.1 --port ${silent?.port} --range ${RANGE} --step-timeout 20s --output ${file}`);
    await tty.waitFor(/q quit · v show control transcript/, 20_000);
    await tty.waitFor(/✔ Connect/, 20_000);
    tty.keys('v');
    await tty.waitFor(/Control transcript \(v hides\)/, 5000);
    const pressed = Date.now();
    tty.keys('q');
    const screen = await tty.waitFor(/EXIT=\d+/, 10_000);
    expect(Date.now() - pressed).toBeLessThan(3000);
    expect(screen).toContain('EXIT=130');
    expect(screen).toContain('stopping: q pressed');
    expect(screen).toContain('(incomplete: the check was stopped)');
    expect(screen).toContain(`Report written to ${file}`);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(schemaErrors(report)).toBe('');
    expect(report.complete).toBe(false);
  });

  it('asks for the password without echoing it and never shows or stores it', async () => {
    const tty = open();
    const file = join(dir, 'login.json');
    tty.start(
      `${RUN} check ftp://alice@127.0.0.1:${account.port} --range ${RANGE} --sweep off --insecure --json > ${file}`,
    );
    await tty.waitFor(/Password for alice@127\.0\.0\.1:/, 20_000);
    tty.keys('-l', PASSWORD);
    tty.keys('Enter');
    const screen = await tty.waitFor(/EXIT=\d+/, 30_000);
    expect(screen).toContain('EXIT=0');
    expect(screen).not.toContain(PASSWORD);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(PASSWORD);
    const report = JSON.parse(text);
    expect(schemaErrors(report)).toBe('');
    expect(report.channels.control.status).toBe('ok');
  });

  it('Ctrl-C at the password prompt ends the run with 130 and no check', async () => {
    const tty = open();
    tty.start(`${RUN} check ftp://alice@127.0.0.1:${account.port} --sweep off --insecure`);
    await tty.waitFor(/Password for alice@127\.0\.0\.1:/, 20_000);
    tty.keys('C-c');
    const screen = await tty.waitFor(/EXIT=\d+/, 10_000);
    expect(screen).toContain('EXIT=130');
    expect(screen).not.toContain('ftpdoctor · ');
  });
});
