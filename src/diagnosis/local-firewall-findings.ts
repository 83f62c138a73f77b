import { classifyAddress } from '../ftp/address-class.js';
import type { ObservationLog } from '../probe/observation.js';
import { rangesText } from './connect-facts.js';
import type { Finding } from './finding.js';
import { allowRuleExamples, type BlockedFlow } from './firewall-examples.js';
import { readDump } from '../firewall/detect.js';
import { DumpParseError, type FirewallDump } from '../firewall/rule-model.js';
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
 * What else on this computer can stop the flow: the reader's advisories (StatefulFTP, other
 * security products, the Application Firewall), and on macOS the Local Network privacy setting,
 * which stops a GUI FTP client talking to a local-network server while a terminal tool passes
 * (Apple Platform Security, "Local network privacy").
 */
function otherLocalCauses(log: ObservationLog, remote: string | undefined): string[] {
  const local = log.localFirewall;
  const out = (local?.advisories ?? []).map((a) => `Also on this computer: ${a}.`);
  const platform = local?.platform ?? log.environment.os;
  const cls = remote ? classifyAddress(remote) : undefined;
  if (/darwin|macos/i.test(platform) && (cls === 'private' || cls === 'link-local'))
    out.push(
      'macOS Local Network privacy can block a GUI FTP client from this local-network server while a terminal tool (like ftpdoctor) gets through: allow the app in System Settings › Privacy & Security › Local Network.',
    );
  return out;
}

export function localFirewallFindings(log: ObservationLog, findings: Finding[]): Finding[] {
  const local = log.localFirewall;
  const blocking = findings.flatMap((f) => {
    const found = flowOf(log, f);
    return found ? [{ f, ...found }] : [];
  });
  if (blocking.length === 0) return [];
  for (const { f, flow } of blocking) f.fix.push(...otherLocalCauses(log, flow.remote));
  if (!local?.readable || !local.ruleset) {
    const step = howToCheck(local?.platform ?? log.environment.os);
    for (const { f } of blocking) f.fix.push(step);
    return [];
  }
  let ruleset: FirewallDump;
  try {
    ruleset = readDump(local.ruleset, local.source === 'nft' || local.source === undefined ? undefined : local.source);
  } catch (err) {
    if (!(err instanceof DumpParseError)) throw err;
    const step = `${howToCheck(local.platform)} (ftpdoctor could not read its listing: ${err.message})`;
    for (const { f } of blocking) f.fix.push(step);
    return [];
  }
  const out: Finding[] = [];
  for (const { f, flow, allow } of blocking) {
    const matches = matchBlockedFlow(ruleset, flow);
    if (matches.length === 0) continue;
    const certain = matches.some((m) => !m.uncertain);
    if (certain) {
      f.where = 'this-computer';
      f.actor = 'you';
      f.rule = `${f.rule ?? ''} Found on this computer: its own firewall does this (see LOCAL_FIREWALL).`.trim();
      f.fix.unshift("Change this computer's own firewall first: the LOCAL_FIREWALL finding quotes the rule.");
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
        // The source finding's last fact is a failure (its first may be the success it contrasts with).
        ...f.evidence.slice(-1),
      ],
      rule: `${certain ? 'The rule' : 'A rule'} ${matches.map((m) => `"${m.text}"`).join(' and ')} in this computer's firewall ${certain ? 'stops' : 'may stop'} ${target}.`,
      where: 'this-computer',
      actor: 'you',
      fix: [
        ruleset.model === 'windows' && matches.some((m) => m.by === 'rule')
          ? // Windows Firewall lets a block rule win over every allow rule (MS-FASP 2.2.34).
            `Disable or narrow the quoted block rule${matches.length > 1 ? 's' : ''}: in Windows Firewall a block rule wins over any allow rule.`
          : `Change or remove the quoted rule${matches.length > 1 ? 's' : ''}, or add an accept rule before ${matches.length > 1 ? 'them' : 'it'} (examples below).`,
        `Re-run the check to confirm (${f.code} should disappear).`,
      ],
      examples: allowRuleExamples({ ...flow, ports: allow }).filter((e) =>
        ruleset.model === 'windows'
          ? e.system === 'windows-firewall'
          : ruleset.model === 'pf'
            ? e.system === 'pf'
            : e.system === 'nftables' || e.system === 'iptables',
      ),
      ports: flow.ports,
    });
  }
  return out;
}
