import { isIP } from 'node:net';
import type { FixExample } from './finding.js';

/**
 * Example allow-rules for the flow a finding says is blocked, in the four firewalls people ask
 * about. Table and chain names are the common defaults; the comment line says so, since a real
 * ruleset may name them differently.
 */

export interface BlockedFlow {
  /** Seen from this computer: outbound = we connect to the server; inbound = the server connects to us. */
  direction: 'outbound' | 'inbound';
  /** The other end's address (the server's), when known. */
  remote?: string;
  /** TCP ports: the server's ports for outbound, ours for inbound. Inclusive ranges. */
  ports: Array<[number, number]>;
  /** Short purpose, used in rule names ("FTP passive data"). */
  purpose: string;
}

const span = ([from, to]: [number, number], sep: string): string => (from === to ? `${from}` : `${from}${sep}${to}`);

function nftables(flow: BlockedFlow): FixExample {
  const chain = flow.direction === 'outbound' ? 'output' : 'input';
  const addrKey = flow.direction === 'outbound' ? 'daddr' : 'saddr';
  const family = flow.remote && isIP(flow.remote) === 6 ? 'ip6' : 'ip';
  const addr = flow.remote ? `${family} ${addrKey} ${flow.remote} ` : '';
  const ports = flow.ports.map((r) => span(r, '-'));
  const dport = ports.length === 1 ? ports[0] : `{ ${ports.join(', ')} }`;
  return {
    system: 'nftables',
    text: [
      `# ${flow.purpose}: assumes table "inet filter" with chain "${chain}"; insert before any drop/reject rule`,
      `nft insert rule inet filter ${chain} ${addr}tcp dport ${dport} accept`,
    ].join('\n'),
  };
}

function iptables(flow: BlockedFlow): FixExample {
  const chain = flow.direction === 'outbound' ? 'OUTPUT' : 'INPUT';
  const tool = flow.remote && isIP(flow.remote) === 6 ? 'ip6tables' : 'iptables';
  const addr = flow.remote ? `${flow.direction === 'outbound' ? '-d' : '-s'} ${flow.remote} ` : '';
  return {
    system: 'iptables',
    text: [
      `# ${flow.purpose}: -I puts the rule first in ${chain}, ahead of any DROP/REJECT`,
      ...flow.ports.map((r) => `${tool} -I ${chain} -p tcp ${addr}--dport ${span(r, ':')} -j ACCEPT`),
    ].join('\n'),
  };
}

function windowsFirewall(flow: BlockedFlow): FixExample {
  const outbound = flow.direction === 'outbound';
  const portFlag = outbound ? '-RemotePort' : '-LocalPort';
  const remote = flow.remote ? ` -RemoteAddress ${flow.remote}` : '';
  const ports = flow.ports.map((r) => span(r, '-')).join(',');
  return {
    system: 'windows-firewall',
    text: [
      `# PowerShell as Administrator`,
      `New-NetFirewallRule -DisplayName "ftpdoctor: ${flow.purpose}" -Direction ${outbound ? 'Outbound' : 'Inbound'} -Protocol TCP ${portFlag} ${ports}${remote} -Action Allow`,
    ].join('\n'),
  };
}

function pf(flow: BlockedFlow): FixExample {
  const ports = flow.ports.map((r) => span(r, ':'));
  const port = ports.length === 1 ? ports[0] : `{ ${ports.join(' ')} }`;
  const remote = flow.remote ?? 'any';
  const rule =
    flow.direction === 'outbound'
      ? `pass out quick proto tcp from any to ${remote} port ${port}`
      : `pass in quick proto tcp from ${remote} to any port ${port}`;
  return { system: 'pf', text: [`# /etc/pf.conf, then: pfctl -f /etc/pf.conf`, rule].join('\n') };
}

export function allowRuleExamples(flow: BlockedFlow): FixExample[] {
  return [nftables(flow), iptables(flow), windowsFirewall(flow), pf(flow)];
}
