import {
  DUMP_FORMATS,
  type DumpFormat,
  DumpParseError,
  type WindowsProfile,
  detectFormat,
  ftpVerdicts,
  parseDump,
  renderVerdicts,
} from '../firewall/index.js';
import { type PortSet, mergeRanges, parseRangeSpec } from '../ftp/index.js';
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { flagParser, parseIpAddress, parsePortFlag, parsePortOrRange } from './flag-values.js';
import { UsageError } from './usage-error.js';

/**
 * `ftpdoctor firewall FILE|-`: reads a firewall dump a customer pasted and says, for the FTP
 * control, passive and active flows, whether it lets them through and which rule decides.
 * Exit 0 all flows allowed, 1 a flow blocked or possibly blocked, 2 usage error or unreadable dump.
 */

/** Bigger than any real ruleset dump; a bound so a wrong file cannot exhaust memory. */
const MAX_DUMP_BYTES = 32 * 1024 * 1024;

export interface FirewallFlags {
  format?: DumpFormat;
  host?: string;
  port?: number;
  range?: string;
  activePort?: [number, number];
  direction?: 'outbound' | 'inbound';
  profile?: WindowsProfile;
  json?: boolean;
}

export interface FirewallIo {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length;
      if (size > MAX_DUMP_BYTES)
        throw new UsageError(`standard input is larger than ${MAX_DUMP_BYTES} bytes: not a firewall dump`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read ${file} (${code})`);
  }
  if (data.length > MAX_DUMP_BYTES)
    throw new UsageError(`${file} is larger than ${MAX_DUMP_BYTES} bytes: not a firewall dump`);
  // PowerShell's Out-File writes UTF-16 with a byte-order mark.
  return data[0] === 0xff && data[1] === 0xfe ? data.subarray(2).toString('utf16le') : data.toString('utf8');
}

function passiveRange(text: string | undefined): PortSet {
  if (text === undefined) return [[60000, 65535]];
  const r = parseRangeSpec(text);
  if (!r.ok) throw new UsageError(`--range: ${r.message}`);
  return mergeRanges(r.ranges);
}

export async function runFirewall(file: string, flags: FirewallFlags, io: FirewallIo): Promise<number> {
  const text = await readInput(file);
  const format = flags.format ?? detectFormat(text);
  if (!format) {
    io.writeErr(
      `error: ${file === '-' ? 'standard input' : file}: cannot tell which tool printed this dump; give --format (${DUMP_FORMATS.join(', ')})\n`,
    );
    return 2;
  }
  let dump;
  try {
    dump = parseDump(text, format);
  } catch (err) {
    if (!(err instanceof DumpParseError)) throw err;
    io.writeErr(`error: ${file === '-' ? 'standard input' : file}: ${err.message}\n`);
    return 2;
  }
  const verdicts = ftpVerdicts(dump, {
    host: flags.host,
    controlPort: flags.port ?? 21,
    passive: passiveRange(flags.range),
    activePorts: flags.activePort ? [flags.activePort] : undefined,
    side: flags.direction === 'inbound' ? 'server' : 'client',
    profile: flags.profile,
  });
  io.writeOut(flags.json ? `${JSON.stringify(verdicts, null, 2)}\n` : renderVerdicts(verdicts));
  return verdicts.flows.every((f) => f.verdict === 'allow') ? 0 : 1;
}

const FIREWALL_HELP = `
Formats (detected, or named with --format):
  nft            nft list ruleset
  nft-json       nft -j list ruleset
  iptables-save  iptables-save or ip6tables-save
  netsh          netsh advfirewall firewall show rule name=all [verbose]
                 (add netsh advfirewall show allprofiles and show global for the defaults)
  powershell     Get-NetFirewallRule with its port and address filters, as ConvertTo-Json
  pfctl          pfctl -sr (add pfctl -s info to say whether pf is enabled)

Exit codes:
  0  every flow is allowed
  1  a flow is blocked, or may be blocked by a rule the dump cannot settle
  2  usage error, or a dump that cannot be read (the error names the line)

Examples:
  ftpdoctor firewall ruleset.txt --host 203.0.113.10
  sudo nft list ruleset | ftpdoctor firewall - --host 203.0.113.10 --range 50000-51000
  ftpdoctor firewall rules.json --host 203.0.113.10 --active-port 50000-50100 --json`;

export function registerFirewall(program: Command, io: FirewallIo, onExitCode: (code: number) => void): void {
  program
    .command('firewall')
    .description('read a firewall dump (nftables, iptables, Windows Firewall, pf) and say which rule stops FTP')
    .argument('<file>', 'the dump, or - for standard input')
    .addOption(
      new Option('--format <format>', 'the tool that printed the dump (default: detected)').choices(DUMP_FORMATS),
    )
    .addOption(new Option('--host <address>', 'the FTP server address').argParser(flagParser(parseIpAddress)))
    .addOption(new Option('--port <n>', 'control port (default 21)').argParser(flagParser((t) => parsePortFlag(t))))
    .addOption(new Option('--range <ranges>', 'passive port range(s) (default 60000-65535)'))
    .addOption(
      new Option('--active-port <port|from-to>', "the client's active-mode port(s); checks active mode").argParser(
        flagParser(parsePortOrRange),
      ),
    )
    .addOption(
      new Option(
        '--direction <way>',
        "how control and passive cross this firewall: outbound (the dump is the client's, default) or inbound (the server's)",
      ).choices(['outbound', 'inbound']),
    )
    .addOption(
      new Option('--profile <profile>', 'Windows: the active network profile').choices(['domain', 'private', 'public']),
    )
    .addOption(new Option('--json', 'print the verdicts as JSON (schema/firewall.schema.json)'))
    .addHelpText('after', FIREWALL_HELP)
    .action(async (file: string, flags: FirewallFlags) => {
      onExitCode(await runFirewall(file, flags, io));
    });
}
