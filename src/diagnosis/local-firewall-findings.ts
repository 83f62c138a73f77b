import { DumpParseError, type FirewallDump, readDump } from '../firewall/index.js';
import { classifyAddress, rangesText } from '../ftp/index.js';
import type { ObservationLog } from '../observation/index.js';

import type { Finding } from './finding.js';
import { allowRuleExamples, type BlockedFlow } from './firewall-examples.js';
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

/** The listing as a dump, or why it cannot be read. */
function dumpOf(local: NonNullable<ObservationLog['localFirewall']>): FirewallDump | DumpParseError {
  try {
    return readDump(
      local.ruleset ?? '',
      local.source === 'nft' || local.source === undefined ? undefined : local.source,
    );
  } catch (err) {
    if (err instanceof DumpParseError) return err;
    throw err;
  }
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
  const ruleset = local?.readable && local.ruleset ? dumpOf(local) : undefined;
  if (ruleset === undefined || ruleset instanceof DumpParseError) {
    const why = ruleset ? ` (ftpdoctor could not read its listing: ${ruleset.message})` : '';
    const step = `${howToCheck(local?.platform ?? log.environment.os)}${why}`;
    return findings.map((f) => {
      const found = blocking.get(f);
      return found ? { ...f, fix: [...f.fix, ...otherLocalCauses(log, found.flow.remote), step] } : f;
    });
  }
  const added: Finding[] = [];
  const revised = findings.map((f) => {
    const found = blocking.get(f);
    if (!found) return f;
    const { flow, allow } = found;
    const causes = otherLocalCauses(log, flow.remote);
    const matches = matchBlockedFlow(ruleset, flow);
    if (matches.length === 0) return causes.length > 0 ? { ...f, fix: [...f.fix, ...causes] } : f;
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
          fact: `${local?.source ?? 'ruleset'}: ${m.by === 'policy' ? 'default policy' : 'rule'} "${m.text}" ${m.verdict}s ports ${rangesText(m.ports)}${m.uncertain ? ' (it has conditions ftpdoctor could not evaluate)' : ''}`,
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
    if (!certain) return causes.length > 0 ? { ...f, fix: [...f.fix, ...causes] } : f;
    return {
      ...f,
      where: 'this-computer',
      actor: 'you',
      rule: `${f.rule ?? ''} Found on this computer: its own firewall does this (see LOCAL_FIREWALL).`.trim(),
      fix: [
        "Change this computer's own firewall first: the LOCAL_FIREWALL finding quotes the rule.",
        ...f.fix,
        ...causes,
      ],
    } satisfies Finding;
  });
  return [...revised, ...added];
}
