import type { PortSet } from '../ftp/index.js';
import { isIP } from 'node:net';
import type { Decider, Flow } from './evaluate.js';
import type { DumpFormat } from './rule-model.js';

/**
 * The change that lets a blocked flow through, written for the firewall the dump came from and
 * placed where that firewall's order of evaluation makes it count.
 */

const span = ([a, b]: [number, number], sep: string): string => (a === b ? `${a}` : `${a}${sep}${b}`);

export interface FixFlow extends Flow {
  /** Short purpose for rule names: "FTP passive data". */
  purpose: string;
}

function nftFix(d: Decider, flow: FixFlow, ports: PortSet): string {
  const family = flow.family === 6 ? 'ip6' : 'ip';
  const address = flow.direction === 'outbound' ? flow.dst : flow.src;
  const match = address ? `${family} ${flow.direction === 'outbound' ? 'daddr' : 'saddr'} ${address} ` : '';
  const list = ports.map((r) => span(r, '-'));
  const dport = list.length === 1 ? list[0] : `{ ${list.join(', ')} }`;
  return `nft insert rule ${d.table ?? 'inet filter'} ${d.chain ?? (flow.direction === 'outbound' ? 'output' : 'input')} ${match}tcp dport ${dport} accept`;
}

function iptablesFix(d: Decider, flow: FixFlow, ports: PortSet): string {
  const tool = flow.family === 6 ? 'ip6tables' : 'iptables';
  const address = flow.direction === 'outbound' ? flow.dst : flow.src;
  const match = address ? `${flow.direction === 'outbound' ? '-d' : '-s'} ${address} ` : '';
  const chain = d.chain ?? (flow.direction === 'outbound' ? 'OUTPUT' : 'INPUT');
  const list = ports.map((r) => span(r, ':'));
  const dport = list.length === 1 ? `--dport ${list[0]}` : `-m multiport --dports ${list.join(',')}`;
  return `${tool} -I ${chain} -p tcp ${match}${dport} -j ACCEPT`;
}

function windowsFix(d: Decider, flow: FixFlow, ports: PortSet, format: DumpFormat): string {
  const outbound = flow.direction === 'outbound';
  if (d.by === 'rule' && d.action === 'block') {
    // An allow rule cannot beat a block rule in Windows Firewall: the block rule itself must change.
    return format === 'netsh'
      ? `netsh advfirewall firewall set rule name="${d.name ?? '?'}" new enable=no   (block rules win over allow rules: disable it, or narrow its ports or addresses)`
      : `Disable-NetFirewallRule -DisplayName "${d.name ?? '?'}"   (block rules win over allow rules: disable it, or narrow its ports or addresses with Set-NetFirewallRule)`;
  }
  const list = ports.map((r) => span(r, '-')).join(',');
  const address = outbound ? flow.dst : flow.src;
  if (format === 'netsh') {
    return `netsh advfirewall firewall add rule name="ftpdoctor: ${flow.purpose}" dir=${outbound ? 'out' : 'in'} action=allow protocol=TCP ${outbound ? 'remoteport' : 'localport'}=${list}${address ? ` remoteip=${address}` : ''}`;
  }
  return `New-NetFirewallRule -DisplayName "ftpdoctor: ${flow.purpose}" -Direction ${outbound ? 'Outbound' : 'Inbound'} -Protocol TCP ${outbound ? '-RemotePort' : '-LocalPort'} ${list}${address ? ` -RemoteAddress ${address}` : ''} -Action Allow`;
}

function pfFix(d: Decider, flow: FixFlow, ports: PortSet): string {
  const list = ports.map((r) => span(r, ':'));
  const port = list.length === 1 ? list[0] : `{ ${list.join(' ')} }`;
  const rule =
    flow.direction === 'outbound'
      ? `pass out quick proto tcp from any to ${flow.dst ?? 'any'} port ${port}`
      : `pass in quick proto tcp from ${flow.src ?? 'any'} to any port ${port}`;
  const where = d.by === 'rule' ? `before line ${d.line} of the ruleset` : 'in pf.conf';
  return `${rule}   (add ${where}; quick makes it the last match; then pfctl -f /etc/pf.conf)`;
}

export function fixFor(format: DumpFormat, d: Decider, flow: FixFlow, ports: PortSet): string {
  switch (format) {
    case 'nft':
    case 'nft-json':
      return nftFix(d, flow, ports);
    case 'iptables-save':
      return iptablesFix(d, flow, ports);
    case 'netsh':
    case 'powershell':
      return windowsFix(d, flow, ports, format);
    case 'pfctl':
      return pfFix(d, flow, ports);
  }
}

export const familyOf = (address: string | undefined): 4 | 6 => (address && isIP(address) === 6 ? 6 : 4);
