import { formatRanges, parseRangeSpec } from '../ftp/index.js';
import type { ProbeSettings } from '../observation/index.js';
import { EXIT, EXIT_MEANINGS } from '../report/index.js';
import { Command, CommanderError, Option } from 'commander';
import { planCheck, noColorRequested, type CheckFlags, type CheckPlan, type OutputFormat } from './check-plan.js';
import { parseAddressFlag, parseAddressesFlag } from './address-list.js';
import {
  flagParser,
  parseCount,
  parseDuration,
  parseFingerprint,
  parseIpAddress,
  parsePortFlag,
  parsePortOrRange,
  parseRequire,
  type Parsed,
} from './flag-values.js';
import { registerFirewall } from './firewall-command.js';
import { registerReport } from './report-command.js';
import { parseTarget } from './target.js';
import { parseByteSize } from './transfer-flags.js';
import { parseIdleTest } from './idle-test-flag.js';
import { MAX_PARALLEL } from '../probe/index.js';
import { UsageError } from './usage-error.js';

/** What the commands do once their flags are parsed and checked; the program itself only parses. */
export interface ProgramHandlers {
  version: string;
  env: NodeJS.ProcessEnv;
  defaultSettings(host: string): ProbeSettings;
  check(plan: CheckPlan): Promise<number>;
  selftest(flags: SelftestFlags): Promise<number>;
  explain(code: string | undefined, flags: { list: boolean }): number;
  /** Commands owned by other modules (`serve`), registered on the same program. */
  registerMore?(program: Command): void;
  /** Where help and error lines go. */
  writeOut(text: string): void;
  writeErr(text: string): void;
}

export interface SelftestFlags {
  range?: Array<[number, number]>;
  sweep?: ProbeSettings['sweep'];
  json?: boolean;
  output?: string;
  html?: string;
  format?: OutputFormat;
  color?: boolean;
  timeout?: number;
}

const rangeParser = flagParser((text): Parsed<Array<[number, number]>> => {
  const r = parseRangeSpec(text);
  return r.ok ? { ok: true, value: r.ranges } : { ok: false, message: r.message };
});
const durationParser = flagParser((text) => parseDuration(text));

const EXIT_CODES_HELP = `
Exit codes:
${EXIT_MEANINGS.map(({ code, meaning }) => `  ${String(code).padEnd(5)}${meaning}`).join('\n')}`;

const CHECK_EXAMPLES = `
Examples:
  # full check with defaults: anonymous, passive range 60000-65535, active, TLS
  ftpdoctor ftp.example.com
  # a named user, explicit TLS required, password from the environment
  ftpdoctor check ftp://alice@ftp.example.com --password-env FTP_PASSWORD --tls
  # implicit TLS on port 990 with a self-signed certificate
  ftpdoctor check ftps://ftp.example.com --insecure
  # the same, pinned to the certificate the server's admin sent along
  ftpdoctor check ftps://ftp.example.com --trust-fingerprint 5E:8A:...:1F
  # another passive range, politely sampled (third-party server)
  ftpdoctor check 203.0.113.10:2121 --range 50000-51000 --sweep sample
  # onboarding preflight: passive, active and TLS must all work
  ftpdoctor check ftp.example.com --require passive,active,tls --json > report.json
  # a paste-ready summary for a ticket, with the JSON report beside it
  ftpdoctor check ftp.example.com --format markdown --output report.json
  # one self-contained HTML page to attach to a ticket; render a customer's saved report later
  ftpdoctor check ftp.example.com --html report.html
  ftpdoctor report customer.json --format html --output customer.html
${EXIT_CODES_HELP}`;

/** Flags shared by every command that produces a report. */
function addOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('--json', 'print the report as JSON on stdout and nothing else'))
    .addOption(new Option('--output <file>', 'also write the JSON report to FILE (atomically)'))
    .addOption(new Option('--html <file>', 'also write a self-contained HTML report to FILE (atomically)'))
    .addOption(
      new Option('--format <format>', 'result format on stdout (no live view)').choices(['text', 'markdown', 'json']),
    )
    .addOption(new Option('--no-color', 'no colours (also when NO_COLOR is set)'));
}

export function createProgram(handlers: ProgramHandlers, onExitCode: (code: number) => void): Command {
  const program = new Command('ftpdoctor');
  program
    .description('Tells you which firewall rule stops your FTP connection, and what to change.')
    .version(handlers.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => handlers.writeOut(text),
      writeErr: (text) => handlers.writeErr(text),
      // Commander puts "(Did you mean …?)" on a second line; a usage error is one line.
      outputError: (text, write) => write(`${text.replace(/\s*\n\s*/g, ' ').trim()} (see ftpdoctor --help)\n`),
    })
    .showHelpAfterError(false)
    .addHelpText('after', EXIT_CODES_HELP);

  // Defaults shown in --help come from the engine's own, so the help cannot drift from them.
  const d = handlers.defaultSettings('HOST');
  const check = program
    .command('check', { isDefault: true })
    .description('check the control, passive, active and TLS channels to an FTP server (the default command)')
    .summary('check an FTP server (default: `ftpdoctor HOST`)')
    .argument(
      '<host>',
      'host, host:port, [IPv6]:port, ftp://user@host:port, ftpes://host (explicit TLS) or ftps://host (implicit TLS)',
    )
    .addOption(
      new Option('-p, --port <port>', 'control port (default 21; 990 with --implicit-tls)').argParser(
        flagParser(parsePortFlag),
      ),
    )
    .addOption(new Option('-u, --user <name>', 'login name (default anonymous)'))
    .addOption(
      new Option('--password-env <VAR>', 'read the password from environment variable VAR (else prompt on a terminal)'),
    )
    .addOption(new Option('--tls', 'require explicit TLS (AUTH TLS, RFC 4217)'))
    .addOption(new Option('--no-tls', 'plain FTP only: do not try AUTH TLS'))
    .addOption(new Option('--tls-auto', 'try AUTH TLS, fall back to plain FTP if refused (the default)'))
    .addOption(new Option('--implicit-tls', 'TLS from the first byte (FTPS, port 990)'))
    .addOption(new Option('-k, --insecure', 'accept an untrusted or self-signed certificate'))
    .addOption(
      new Option(
        '--trust-fingerprint <sha256>',
        'go on with exactly the certificate of this SHA-256 fingerprint (any other is an error)',
      ).argParser(flagParser(parseFingerprint)),
    )
    .addOption(
      new Option(
        '--active-port <port|from-to>',
        `local port or range to listen on for active mode (PORT/EPRT; default ${formatRanges([d.activePorts])})`,
      ).argParser(flagParser(parsePortOrRange)),
    )
    .addOption(
      new Option('--external-ip <address>', 'address to put in PORT/EPRT (your public address behind NAT)').argParser(
        flagParser(parseIpAddress),
      ),
    )
    .addOption(new Option('--eprt', 'use EPRT (RFC 2428) instead of PORT for active mode'))
    .addOption(
      new Option(
        '--range <ranges>',
        `passive port range(s) to sweep, e.g. 50000-50100,60000-60100 (default ${formatRanges(d.ranges)})`,
      ).argParser(rangeParser),
    )
    .addOption(
      new Option(
        '--sweep <mode>',
        `range sweep: full (every port), sample (~64 ports and the edges: polite to third-party servers), off (default ${d.sweep})`,
      ).choices(['full', 'sample', 'off']),
    )
    .addOption(
      new Option('--pasv-samples <n>', `real PASV/EPSV + LIST transfers to try (default ${d.pasvSamples})`).argParser(
        flagParser((t) => parseCount(t, { min: 0, max: 64 })),
      ),
    )
    .addOption(
      new Option(
        '--follow-pasv-address',
        'connect to the address a 227 reply names even when it differs from the server (off: only the control address)',
      ),
    )
    .addOption(
      new Option(
        '--compare-plain',
        'consent to a plain-text comparison session with your real login (the password crosses the network unencrypted once): shows whether a firewall relies on an FTP helper',
      ),
    )
    .addOption(
      new Option('--download <path>', 'download this file (RETR) to measure size and throughput; nothing is written'),
    )
    .addOption(
      new Option(
        '--max-bytes <size>',
        'largest download or upload the transfer test makes, e.g. 4MB (default 4MB; larger files are skipped)',
      ).argParser(flagParser(parseByteSize)),
    )
    .addOption(
      new Option(
        '--upload-dir <dir>',
        'WRITES to the server: stores generated 1KB/64KB/2MB files in DIR, checks them with SIZE, deletes them (DELE)',
      ),
    )
    .addOption(
      new Option(
        '--addresses <list>',
        "also check these server addresses (a provider's published list): A,B,C or @file, one or more a line",
      ).argParser(flagParser(parseAddressesFlag)),
    )
    .addOption(
      new Option(
        '--address <ip>',
        'run the full check on this address of the server (default: the first that answers)',
      ).argParser(flagParser(parseAddressFlag)),
    )
    .addOption(
      new Option(
        '--idle-test <duration>',
        'hold 4 extra logged-in control sessions silent for up to DURATION (e.g. 6m), then NOOP: finds the idle limit on the path',
      ).argParser(flagParser(parseIdleTest)),
    )
    .addOption(
      new Option(
        '--parallel <n>',
        `open up to N extra sessions (2-${MAX_PARALLEL}, stopping at the first refused), then PASV + LIST on all at once`,
      ).argParser(flagParser((t) => parseCount(t, { min: 2, max: MAX_PARALLEL }))),
    )
    .addOption(new Option('-4, --ipv4', 'connect over IPv4 only'))
    .addOption(new Option('-6, --ipv6', 'connect over IPv6 only'))
    .addOption(
      new Option(
        '--timeout <duration>',
        `overall deadline, e.g. 90s or 2m; a bare number is seconds (default ${d.timeoutMs / 1000}s)`,
      ).argParser(durationParser),
    )
    .addOption(
      new Option(
        '--step-timeout <duration>',
        `deadline for one step, e.g. 10s or 500ms (default ${d.stepTimeoutMs / 1000}s)`,
      ).argParser(durationParser),
    )
    .addOption(
      new Option(
        '--require <channels>',
        'channels that must work for exit 0: control,passive,active,tls (default passive)',
      ).argParser(flagParser(parseRequire)),
    )
    .addHelpText('after', CHECK_EXAMPLES);
  addOutputOptions(check).action(async (host: string, flags: CheckFlags) => {
    const target = parseTarget(host);
    if (!target.ok) throw new UsageError(target.message);
    const planned = planCheck(target.target, flags, handlers.defaultSettings(target.target.host), {
      noColor: noColorRequested(handlers.env),
    });
    if (!planned.ok) throw new UsageError(planned.message);
    onExitCode(await handlers.check(planned.plan));
  });

  const selftest = program
    .command('selftest')
    .description(
      'start the reference FTP server in this process on loopback and run the full check against it: ' +
        'passive across the whole range, active, plain and TLS. Exits 0 only when everything is green.',
    )
    .summary('check this computer against the bundled reference server (what `npm start` runs)')
    .addOption(
      new Option('--range <ranges>', "the server's passive range (default 60000-65535)").argParser(rangeParser),
    )
    .addOption(
      new Option('--sweep <mode>', 'range sweep: full, sample or off (default full)').choices([
        'full',
        'sample',
        'off',
      ]),
    )
    .addOption(new Option('--timeout <duration>', 'overall deadline (bare number: seconds)').argParser(durationParser));
  addOutputOptions(selftest).action(async (flags: SelftestFlags) => {
    if (flags.json && flags.format !== undefined && flags.format !== 'json') {
      throw new UsageError(`--json and --format ${flags.format} ask for different outputs: choose one`);
    }
    onExitCode(await handlers.selftest(flags));
  });

  program
    .command('explain')
    .description('what a finding code means and how to fix it')
    .argument('[code]', 'a finding code, e.g. PASSIVE_PORTS_BLOCKED (case-insensitive)')
    .option('-l, --list', 'list every finding code with its title')
    .addHelpText('after', '\nExamples:\n  ftpdoctor explain --list\n  ftpdoctor explain passive_ports_blocked')
    .action((code: string | undefined, flags: { list?: boolean }) => {
      if (code === undefined && !flags.list) throw new UsageError('explain needs a finding CODE or --list');
      onExitCode(handlers.explain(code, { list: flags.list === true }));
    });

  registerFirewall(program, handlers, onExitCode);
  registerReport(program, handlers, onExitCode);
  handlers.registerMore?.(program);
  return program;
}

/**
 * Runs the program and turns every way it can end into an exit code: help and version 0, usage
 * errors 2 with one line on stderr, never a stack trace.
 */
export async function runProgram(argv: string[], handlers: ProgramHandlers): Promise<number> {
  let exitCode = 0;
  const program = createProgram(handlers, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help'
        ? EXIT.ok
        : EXIT.usage;
    }
    if (err instanceof UsageError) {
      handlers.writeErr(`error: ${err.message}${/see ftpdoctor/.test(err.message) ? '' : ' (see ftpdoctor --help)'}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
