import type { PortSet } from '../ftp/index.js';

/**
 * One model for every firewall dump ftpdoctor reads: each parser reduces its format to rules with
 * the conditions that decide a new TCP connection (direction, addresses, ports, protocol), and
 * keeps what it could not evaluate as `unknown`, so the evaluator says "may" instead of guessing.
 */

export type DumpFormat = 'nft' | 'nft-json' | 'iptables-save' | 'netsh' | 'powershell' | 'pfctl';

export const DUMP_FORMATS: readonly DumpFormat[] = ['nft', 'nft-json', 'iptables-save', 'netsh', 'powershell', 'pfctl'];

/** What a rule does with a packet it matches; jump/goto/return exist only in chain-based firewalls. */
export type RuleAction = 'allow' | 'block' | 'jump' | 'goto' | 'return' | 'none';

export type WindowsProfile = 'domain' | 'private' | 'public';

export interface Rule {
  /** 1-based line of the dump the rule starts on. */
  line: number;
  /** 1-based position among the rules of its chain (Linux) or of the whole list (Windows, pf). */
  position: number;
  /** The rule as the tool printed it, for quoting. */
  text: string;
  /** Windows: the rule's display name, which the fix commands refer to. */
  name?: string;
  action: RuleAction;
  /** How a block answers: silently (drop) or with a reset or ICMP error (reject, block return). */
  blockHow?: 'drop' | 'reject';
  /** Chain a jump or goto enters. */
  target?: string;
  /** Windows and pf rules carry their direction; chain rules get it from the chain's hook. */
  direction?: 'inbound' | 'outbound';
  /** Only IPv4 or only IPv6; absent for both. */
  family?: 4 | 6;
  /** TCP, another protocol, or absent for any protocol. */
  proto?: 'tcp' | 'other';
  dstPorts?: PortSet;
  srcPorts?: PortSet;
  /** Addresses, prefixes ("203.0.113.0/24") or ranges ("10.0.0.1-10.0.0.9"). */
  dst?: string[];
  src?: string[];
  /** False when the rule matches only packets of connections already set up (ct state established). */
  newConnections: boolean;
  /** Conditions ftpdoctor cannot evaluate (interface, program, named set…): the rule may or may not match. */
  unknown: string[];
  enabled: boolean;
  /** Bound to the loopback interface, which carries only traffic between this computer's own addresses. */
  loopbackOnly?: boolean;
  /** pf: the first matching quick rule ends the evaluation. */
  quick?: boolean;
  /** Windows: the profiles the rule belongs to; absent for all. */
  profiles?: WindowsProfile[];
}

export interface Chain {
  name: string;
  /** "inet filter", "ip fw_filter", or the iptables table name. */
  table: string;
  family: 4 | 6 | 'both';
  /** The netfilter hook of a base chain; absent for a regular chain reached only by jump/goto. */
  hook?: 'input' | 'output' | 'forward' | 'other';
  /** Only filter chains decide; nat/route chains are not evaluated. */
  filter: boolean;
  priority: number;
  policy?: 'accept' | 'drop';
  /** The chain header as printed, quoted when the policy decides. */
  header: string;
  line: number;
  rules: Rule[];
}

export interface ChainDump {
  format: 'nft' | 'nft-json' | 'iptables-save';
  model: 'chains';
  chains: Chain[];
}

export interface WindowsProfileState {
  profile: WindowsProfile;
  /** State OFF: the firewall does not filter on networks of this profile. */
  on: boolean;
  inbound: 'allow' | 'block';
  outbound: 'allow' | 'block';
  text: string;
  line: number;
}

export interface WindowsDump {
  format: 'netsh' | 'powershell';
  model: 'windows';
  rules: Rule[];
  /** From `netsh advfirewall show allprofiles` or Get-NetFirewallProfile, when the dump holds them. */
  profiles: WindowsProfileState[];
  /** StatefulFTP (netsh advfirewall show global): Windows Firewall's own FTP helper. */
  statefulFtp?: boolean;
  /** Firewall and antivirus products registered with Windows Security Center (SecurityCenter2). */
  products?: string[];
  /** The profiles of the connected networks (Get-NetConnectionProfile NetworkCategory). */
  activeProfiles?: WindowsProfile[];
}

export interface PfDump {
  format: 'pfctl';
  model: 'pf';
  rules: Rule[];
  /** From `pfctl -s info` when known: a disabled pf filters nothing. */
  enabled?: boolean;
  /** Anchors whose rules `pfctl -sr` does not list. */
  anchors: string[];
}

export type FirewallDump = ChainDump | WindowsDump | PfDump;

/** A dump ftpdoctor cannot read, with the line that stopped it. */
export class DumpParseError extends Error {
  readonly code = 'E_FIREWALL_PARSE';
  constructor(
    readonly format: DumpFormat,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${format}: line ${line}: ${detail}`);
    this.name = 'DumpParseError';
  }
}

/** Lines longer than this are not firewall output; refusing them keeps every parser's time bounded. */
export const MAX_LINE = 16 * 1024;

export function splitLines(text: string, format: DumpFormat): string[] {
  // Editors and Windows tools may start a file with a byte-order mark.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const long = lines.findIndex((l) => l.length > MAX_LINE);
  if (long >= 0) throw new DumpParseError(format, long + 1, `line longer than ${MAX_LINE} characters`);
  return lines;
}
