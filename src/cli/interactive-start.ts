import type { ProbeSettings } from '../observation/index.js';
import { EXIT, renderHtml, writeFileAtomic, writeReport } from '../report/index.js';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { runCheck, type CheckIo } from './check-run.js';
import { noColorRequested, planCheck } from './check-plan.js';
import { parseTarget, type Target } from './target.js';

/**
 * `ftpdoctor` with no arguments. A double-click on the executable (Windows Explorer, macOS Finder)
 * opens a terminal window that closes when the program ends, so on a terminal it asks for the
 * server and the user, runs the check with the live view, offers to save the report, and waits for
 * a key. Without a terminal (a script, a pipe) there is no one to ask: the short usage, exit 2.
 */
export interface StartOptions {
  defaultSettings(host: string): ProbeSettings;
  /** Where "save the report" puts it: beside the executable, or the working folder for `node dist/cli.js`. */
  reportFolder: string;
}

/** How many times a mistyped server is asked again before giving up (every wait is bounded). */
const SERVER_ATTEMPTS = 5;
/** A question or the closing "press a key" left alone this long ends the program. */
const ANSWER_TIMEOUT_MS = 10 * 60_000;
/** Keys that mean no to "save the report?" (Ctrl-C and Esc included); anything else, Enter too, is yes. */
const DECLINE_KEYS = new Set(['n', 'N', 'q', 'Q', '\u0003', '\u001b']);

export const SHORT_USAGE = `usage: ftpdoctor HOST [options]    check an FTP server (ftpdoctor check --help)
       ftpdoctor selftest          check this computer against the bundled reference server
       ftpdoctor serve             run the reference FTP server
       ftpdoctor explain CODE      what a finding means (--list: all of them)
       ftpdoctor --help            everything, with examples and exit codes
Started on a terminal without arguments, ftpdoctor asks for the server.
`;

export async function startWithoutArguments(io: CheckIo, options: StartOptions): Promise<number> {
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    io.stderr.write(SHORT_USAGE);
    return EXIT.usage;
  }
  io.stdout.write(
    `ftpdoctor ${io.version}: finds out which firewall rule stops an FTP connection.\n` +
      'Type the server as you would in your FTP program (Ctrl-C to quit).\n\n',
  );
  const answers = await askServerAndUser(io);
  if (!answers) return EXIT.interrupted;
  const { target, user } = answers;
  const planned = planCheck(target, user === '' ? {} : { user }, options.defaultSettings(target.host), {
    noColor: noColorRequested(io.env),
  });
  if (!planned.ok) {
    io.stderr.write(`error: ${planned.message}\n`);
    return await closing(io, EXIT.usage);
  }
  const outcome = await runCheck(planned.plan, io);
  if (outcome.report) {
    const name = reportFileName(target.host, new Date(outcome.report.startedAt));
    const page = name.replace(/\.json$/, '.html');
    io.stdout.write(
      `\nSave the report next to ftpdoctor?\n  ${name} (for support)\n  ${page} (to read in a browser)\n[Y/n] `,
    );
    const key = await readKey(io.stdin);
    io.stdout.write('\n');
    if (key !== undefined && !DECLINE_KEYS.has(key)) {
      const report = outcome.report;
      const files: Array<[string, (path: string) => Promise<void>]> = [
        [name, (path) => writeReport(path, report)],
        [page, (path) => writeFileAtomic(path, renderHtml(report))],
      ];
      for (const [file, write] of files) {
        const path = join(options.reportFolder, file);
        try {
          await write(path);
          io.stdout.write(`Report written to ${path}\n`);
        } catch (err) {
          io.stderr.write(
            `error: the report could not be written to ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`,
          );
        }
      }
    }
  }
  return await closing(io, outcome.exitCode);
}

/** The last line before the window closes: it stays until a key is pressed. */
async function closing(io: CheckIo, exitCode: number): Promise<number> {
  io.stdout.write('Press any key to close.');
  await readKey(io.stdin);
  io.stdout.write('\n');
  return exitCode;
}

async function askServerAndUser(io: CheckIo): Promise<{ target: Target; user: string } | undefined> {
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: true });
  const cancelled = new Promise<undefined>((resolve) => {
    rl.once('close', () => resolve(undefined));
    rl.once('SIGINT', () => rl.close());
  });
  try {
    for (let attempt = 0; attempt < SERVER_ATTEMPTS; attempt++) {
      const typed = await Promise.race([question(rl, 'FTP server (name, address or ftp:// URL): '), cancelled]);
      if (typed === undefined) return undefined;
      const parsed = parseTarget(typed);
      if (!parsed.ok) {
        io.stdout.write(`  ${parsed.message}\n`);
        continue;
      }
      if (parsed.target.user !== undefined) return { target: parsed.target, user: parsed.target.user };
      const user = await Promise.race([question(rl, 'User name (empty for anonymous): '), cancelled]);
      return user === undefined ? undefined : { target: parsed.target, user: user.trim() };
    }
    io.stdout.write(`No server after ${SERVER_ATTEMPTS} tries.\n`);
    return undefined;
  } finally {
    rl.close();
  }
}

function question(rl: Interface, text: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(undefined);
      rl.close();
    }, ANSWER_TIMEOUT_MS);
    rl.question(text, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** One key press in raw mode (no Enter needed); undefined after ANSWER_TIMEOUT_MS. */
function readKey(stdin: NodeJS.ReadStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    const wasRaw = stdin.isRaw;
    const done = (key: string | undefined): void => {
      clearTimeout(timer);
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      resolve(key);
    };
    const onData = (chunk: Buffer | string): void => done(chunk.toString('utf8').slice(0, 1));
    const timer = setTimeout(() => done(undefined), ANSWER_TIMEOUT_MS);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** ftpdoctor-report-ftp.example.com-20261202-0105.json: the server and the time, safe on every file system. */
export function reportFileName(host: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `ftpdoctor-report-${host.replace(/[^A-Za-z0-9.-]/g, '_')}-${stamp}.json`;
}
