import type { ObservationLog } from '../probe/observation.js';
import { rangesText } from './connect-facts.js';
import type { Finding } from './finding.js';
import { allowRuleExamples, type BlockedFlow } from './firewall-examples.js';
import { parseRuleset } from './firewall-ruleset.js';
import { matchBlockedFlow } from './local-firewall-match.js';

/**
 * Does this computer's own firewall cause a block another finding found? On Linux the engine reads
 * the ruleset (read-only) and we quote the matching rule; elsewhere, and when it could not be
 * read, the blocking findings get a step saying how to look.
 */

/** The flow a blocking finding is about, seen from this computer. */
function flowOf(log: ObservationLog, f: Finding): BlockedFlow | undefined {
  if (!f.ports?.length) return undefined;
  const remote = log.sweep?.address ?? log.control.connect?.address ?? log.resolve?.used;
  if (f.code === 'ACTIVE_INBOUND_BLOCKED') return { direction: 'inbound', remote, ports: f.ports, purpose: 'FTP active data' };
  if (f.code === 'CONTROL_UNREACHABLE' || f.code === 'PASSIVE_PORTS_BLOCKED') {
    return { direction: 'outbound', remote, ports: f.ports, purpose: f.code === 'CONTROL_UNREACHABLE' ? 'FTP control' : 'FTP passive data' };
  }
  return undefined;
}

function howToCheck(platform: string): string {
  if (platform === 'win32') return 'Check this computer\'s firewall: Get-NetFirewallRule -Enabled True -Action Block | Get-NetFirewallPortFilter (PowerShell), and any third-party security suite.';
  if (platform === 'darwin') return 'Check this computer\'s firewall: sudo pfctl -sr (pf) and System Settings › Network › Firewall, plus tools like Little Snitch.';
  return 'Check this computer\'s firewall (run as root so ftpdoctor can read it): sudo nft list ruleset, or sudo iptables-save.';
}

export function localFirewallFindings(log: ObservationLog, findings: Finding[]): Finding[] {
  const local = log.localFirewall;
  const blocking = findings.map((f) => ({ f, flow: flowOf(log, f) })).filter((x): x is { f: Finding; flow: BlockedFlow } => x.flow !== undefined);
  if (blocking.length === 0) return [];
  if (!local?.readable || !local.ruleset) {
    const step = howToCheck(local?.platform ?? log.environment.os);
    for (const { f } of blocking) f.fix.push(step);
    return [];
  }
  const ruleset = parseRuleset(local.ruleset);
  const out: Finding[] = [];
  for (const { f, flow } of blocking) {
    const matches = matchBlockedFlow(ruleset, flow);
    if (matches.length === 0) continue;
    const certain = matches.some((m) => !m.uncertain);
    if (certain) {
      f.where = 'this-computer';
      f.actor = 'you';
    }
    const target = `${flow.direction === 'outbound' ? 'outbound TCP to' : 'inbound TCP from'} ${flow.remote ?? 'the server'} ${flow.direction === 'outbound' ? 'ports' : 'to local ports'} ${rangesText(flow.ports)}`;
    out.push({
      code: 'LOCAL_FIREWALL',
      severity: certain ? 'error' : 'warning',
      channel: f.channel,
      title: `This computer's own firewall ${certain ? 'blocks' : 'may block'} ${target}`,
      how: f.how,
      evidence: [
        ...matches.map((m) => ({
          ref: '/localFirewall/ruleset',
          fact: `${local.source ?? 'ruleset'}: ${m.by === 'policy' ? 'default policy' : 'rule'} "${m.text}" ${m.verdict}s ports ${rangesText(m.ports)}${m.uncertain ? ' (it has conditions ftpdoctor could not evaluate)' : ''}`,
        })),
        ...f.evidence.slice(0, 1),
      ],
      rule: `${certain ? 'The rule' : 'A rule'} ${matches.map((m) => `"${m.text}"`).join(' and ')} in this computer's firewall ${certain ? 'stops' : 'may stop'} ${target}.`,
      where: 'this-computer',
      actor: 'you',
      fix: [
        `Change or remove the quoted rule${matches.length > 1 ? 's' : ''}, or add an accept rule before ${matches.length > 1 ? 'them' : 'it'} (examples below).`,
        `Re-run the check to confirm (${f.code} should disappear).`,
      ],
      examples: allowRuleExamples(flow).filter((e) => e.system === 'nftables' || e.system === 'iptables'),
      ports: flow.ports,
    });
  }
  return out;
}
