import { rangesText } from '../ftp/index.js';
import type { ObservationLog } from '../observation/index.js';

import type { Finding } from './finding.js';
import { allowRuleExamples, type BlockedFlow } from './firewall-examples.js';
import { parseRuleset } from './firewall-ruleset.js';
import { matchBlockedFlow } from './local-firewall-match.js';

/**
 * Does this computer's own firewall cause a block another finding found? On Linux the engine reads
 * the ruleset (read-only) and we quote the matching rule; elsewhere, and when it could not be
 * read, the blocking findings get a step saying how to look.
 */

/**
 * The flow a blocking finding is about, seen from this computer, and the ports an allow-rule
 * should open: a helper-dependent firewall needs the whole passive range, not the samples that failed.
 */
function flowOf(log: ObservationLog, f: Finding): { flow: BlockedFlow; allow: Array<[number, number]> } | undefined {
  if (!f.ports?.length) return undefined;
  const remote = log.sweep?.address ?? log.control.connect?.address ?? log.resolve?.used;
  const flow = (direction: BlockedFlow['direction'], purpose: string): BlockedFlow => ({
    direction,
    remote,
    ports: f.ports!,
    purpose,
  });
  if (f.code === 'ACTIVE_INBOUND_BLOCKED') return { flow: flow('inbound', 'FTP active data'), allow: f.ports };
  if (f.code === 'CONTROL_UNREACHABLE') return { flow: flow('outbound', 'FTP control'), allow: f.ports };
  if (f.code === 'PASSIVE_PORTS_BLOCKED') return { flow: flow('outbound', 'FTP passive data'), allow: f.ports };
  if (f.code === 'EPSV_BLOCKED_PASV_OK') return { flow: flow('outbound', 'FTP passive data (EPSV)'), allow: f.ports };
  // TLS_BREAKS_ALG carries ports only for the passive connections it saw fail.
  if (f.code === 'TLS_BREAKS_ALG') return { flow: flow('outbound', 'FTP passive data'), allow: log.settings.ranges };
  return undefined;
}

function howToCheck(platform: string): string {
  if (/win32|windows/i.test(platform))
    return "Check this computer's firewall: Get-NetFirewallRule -Enabled True -Action Block | Get-NetFirewallPortFilter (PowerShell), and any third-party security suite.";
  if (/darwin|macos/i.test(platform))
    return "Check this computer's firewall: sudo pfctl -sr (pf) and System Settings › Network › Firewall, plus tools like Little Snitch.";
  return "Check this computer's firewall (run as root so ftpdoctor can read it): sudo nft list ruleset, or sudo iptables-save.";
}

/**
 * The findings after this computer's firewall is read: every blocking finding it explains is
 * revised (where: this computer; who: you) and a LOCAL_FIREWALL finding quotes the rule; without a
 * readable ruleset the blocking findings get a step saying how to look. Never changes its input.
 */
export function localFirewallFindings(log: ObservationLog, findings: readonly Finding[]): Finding[] {
  const local = log.localFirewall;
  const blocking = new Map(
    findings.flatMap((f) => {
      const found = flowOf(log, f);
      return found ? [[f, found] as const] : [];
    }),
  );
  if (blocking.size === 0) return [...findings];
  if (!local?.readable || !local.ruleset) {
    const step = howToCheck(local?.platform ?? log.environment.os);
    return findings.map((f) => (blocking.has(f) ? { ...f, fix: [...f.fix, step] } : f));
  }
  const ruleset = parseRuleset(local.ruleset);
  const added: Finding[] = [];
  const revised = findings.map((f) => {
    const found = blocking.get(f);
    if (!found) return f;
    const { flow, allow } = found;
    const matches = matchBlockedFlow(ruleset, flow);
    if (matches.length === 0) return f;
    const certain = matches.some((m) => !m.uncertain);
    const target = `${flow.direction === 'outbound' ? 'outbound TCP to' : 'inbound TCP from'} ${flow.remote ?? 'the server'} ${flow.direction === 'outbound' ? 'ports' : 'to local ports'} ${rangesText(flow.ports)}`;
    added.push({
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
        // The source finding's last fact is a failure (its first may be the success it contrasts with).
        ...f.evidence.slice(-1),
      ],
      rule: `${certain ? 'The rule' : 'A rule'} ${matches.map((m) => `"${m.text}"`).join(' and ')} in this computer's firewall ${certain ? 'stops' : 'may stop'} ${target}.`,
      where: 'this-computer',
      actor: 'you',
      fix: [
        `Change or remove the quoted rule${matches.length > 1 ? 's' : ''}, or add an accept rule before ${matches.length > 1 ? 'them' : 'it'} (examples below).`,
        `Re-run the check to confirm (${f.code} should disappear).`,
      ],
      examples: allowRuleExamples({ ...flow, ports: allow }).filter(
        (e) => e.system === 'nftables' || e.system === 'iptables',
      ),
      ports: flow.ports,
    });
    if (!certain) return f;
    return {
      ...f,
      where: 'this-computer',
      actor: 'you',
      rule: `${f.rule ?? ''} Found on this computer: its own firewall does this (see LOCAL_FIREWALL).`.trim(),
      fix: ["Change this computer's own firewall first: the LOCAL_FIREWALL finding quotes the rule.", ...f.fix],
    } satisfies Finding;
  });
  return [...revised, ...added];
}
