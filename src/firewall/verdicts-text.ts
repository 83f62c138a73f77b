import type { PortSet } from '../ftp/index.js';
import type { FirewallVerdicts, RuleReport } from './ftp-verdicts.js';
import type { DumpFormat } from './rule-model.js';

/** The plain-text answer of `ftpdoctor firewall`: one block per flow, the deciding rules quoted with their place. */

export const FORMAT_NAMES: Readonly<Record<DumpFormat, string>> = {
  nft: 'nft list ruleset',
  'nft-json': 'nft -j list ruleset',
  'iptables-save': 'iptables-save',
  netsh: 'netsh advfirewall firewall show rule',
  powershell: 'Get-NetFirewallRule | ConvertTo-Json',
  pfctl: 'pfctl -sr',
};

export const portsText = (ports: PortSet): string =>
  ports.length === 0 ? 'none' : ports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');

function place(r: RuleReport): string {
  if (r.by === 'default') return `default (line ${r.line})`;
  const where = r.chain ? `chain ${r.chain} rule ${r.position ?? '?'}` : `rule ${r.position ?? '?'}`;
  return `${where}, line ${r.line}`;
}

function ruleLine(r: RuleReport): string {
  const verb = r.certain
    ? r.action === 'block'
      ? 'blocks'
      : 'allows'
    : r.action === 'block'
      ? 'may block'
      : 'may allow';
  const depends = r.unsettled ? ` (depends on: ${r.unsettled.join('; ')})` : '';
  return `    ${verb} ${portsText(r.ports)}: ${place(r)}: ${r.text}${depends}`;
}

export function renderVerdicts(v: FirewallVerdicts): string {
  const out = [
    `Firewall dump: ${FORMAT_NAMES[v.format]}; server ${v.host ?? '(no --host)'}; taken on the FTP ${v.side}'s side`,
  ];
  for (const f of v.flows) {
    const head = `${f.flow.padEnd(8)} ${f.verdict.toUpperCase().padEnd(8)} ${f.direction} TCP port${f.ports.length === 1 && f.ports[0]![0] === f.ports[0]![1] ? '' : 's'} ${portsText(f.ports)}`;
    out.push('', head);
    if (f.blockedPorts.length > 0) out.push(`    blocked: ${portsText(f.blockedPorts)}`);
    if (f.unknownPorts.length > 0)
      out.push(`    unknown: ${portsText(f.unknownPorts)} (a rule with conditions the dump cannot settle)`);
    out.push(...f.rules.filter((r) => f.verdict === 'allow' || r.action === 'block' || !r.certain).map(ruleLine));
    out.push(...f.fix.map((x) => `    fix: ${x}`));
  }
  if (v.notes.length > 0) out.push('', ...v.notes.map((n) => `Note: ${n}`));
  return `${out.join('\n')}\n`;
}
