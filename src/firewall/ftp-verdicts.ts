import { type PortSet, mergeRanges } from '../ftp/index.js';
import { evaluateFlow, type Decider, type Segment } from './evaluate.js';
import { familyOf, fixFor, type FixFlow } from './fix-text.js';
import type { FirewallDump, WindowsProfile } from './rule-model.js';

/**
 * The three FTP flows through one firewall dump: control and passive data go from the client to
 * the server, active data from the server to the client. `side` says on which end the dump was
 * taken: the client's computer sees control and passive as outbound, the server's as inbound.
 */

export type FlowName = 'control' | 'passive' | 'active';

export interface FtpFlowOptions {
  /** The FTP server's address, when known. */
  host?: string;
  controlPort: number;
  passive: PortSet;
  /** The client's active-mode listening port(s); absent: the active flow is not checked. */
  activePorts?: PortSet;
  side: 'client' | 'server';
  profile?: WindowsProfile;
}

export interface RuleReport {
  text: string;
  action: 'allow' | 'block';
  /** How a block answers, when the rule says: silently (drop) or with a reset or ICMP error (reject). */
  how?: 'drop' | 'reject';
  by: 'rule' | 'default';
  line: number;
  position?: number;
  chain?: string;
  /** Ports of the flow this rule decides (or may decide, when the verdict is unknown). */
  ports: PortSet;
  /** False for a rule whose conditions the dump cannot settle. */
  certain: boolean;
  /** The conditions it cannot settle (interface, program, named set…). */
  unsettled?: string[];
}

export interface FlowVerdict {
  flow: FlowName;
  direction: 'inbound' | 'outbound';
  verdict: 'allow' | 'block' | 'unknown';
  ports: PortSet;
  blockedPorts: PortSet;
  unknownPorts: PortSet;
  rules: RuleReport[];
  fix: string[];
}

export interface FirewallVerdicts {
  format: FirewallDump['format'];
  host?: string;
  side: 'client' | 'server';
  flows: FlowVerdict[];
  notes: string[];
}

/** The rules and defaults that decide (or may decide) the segments, each once with all its ports; blocking ones first. */
export function rulesOf(segments: Segment[]): RuleReport[] {
  const byKey = new Map<string, RuleReport>();
  const add = (d: Decider, ports: PortSet, certain: boolean): void => {
    const key = `${d.line}\u0000${d.text}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.ports = mergeRanges([...seen.ports, ...ports]);
      seen.certain &&= certain;
      return;
    }
    byKey.set(key, {
      text: d.text,
      action: d.action,
      ...(d.how ? { how: d.how } : {}),
      by: d.by,
      line: d.line,
      ...(d.position !== undefined ? { position: d.position } : {}),
      ...(d.chain !== undefined ? { chain: d.chain } : {}),
      ports,
      certain,
      ...(d.unsettled ? { unsettled: d.unsettled } : {}),
    });
  };
  const order = { block: 0, unknown: 1, allow: 2 };
  for (const s of [...segments].sort((a, b) => order[a.verdict] - order[b.verdict])) {
    add(s.decider, s.ports, s.verdict !== 'unknown');
    for (const d of s.doubts) add(d, s.ports, false);
  }
  return [...byKey.values()];
}

export function ftpVerdicts(dump: FirewallDump, o: FtpFlowOptions): FirewallVerdicts {
  // Without a server address, a dump of IPv6 chains only (ip6tables-save, ip6 tables) is about IPv6.
  const ipv6Only = dump.model === 'chains' && dump.chains.length > 0 && dump.chains.every((c) => c.family === 6);
  const family = o.host ? familyOf(o.host) : ipv6Only ? 6 : 4;
  const toServer = o.side === 'client' ? 'outbound' : 'inbound';
  const toClient = o.side === 'client' ? 'inbound' : 'outbound';
  const flows: Array<{ name: FlowName; flow: FixFlow }> = [
    {
      name: 'control',
      flow: {
        direction: toServer,
        family,
        dst: o.host,
        ports: [[o.controlPort, o.controlPort]],
        purpose: 'FTP control',
        profile: o.profile,
      },
    },
    {
      name: 'passive',
      flow: {
        direction: toServer,
        family,
        dst: o.host,
        ports: mergeRanges(o.passive),
        purpose: 'FTP passive data',
        profile: o.profile,
      },
    },
  ];
  if (o.activePorts)
    flows.push({
      name: 'active',
      flow: {
        direction: toClient,
        family,
        src: o.host,
        ports: mergeRanges(o.activePorts),
        purpose: 'FTP active data',
        profile: o.profile,
      },
    });
  const notes = new Set<string>();
  if (!o.host) notes.add('no --host: rules that name addresses may or may not apply, so they make a verdict unknown');
  if (!o.activePorts) notes.add('active mode not checked: give --active-port to check it');
  const verdicts = flows.map(({ name, flow }): FlowVerdict => {
    const { segments, notes: n } = evaluateFlow(dump, flow);
    n.forEach((x) => notes.add(x));
    const portsWith = (v: Segment['verdict']): PortSet =>
      mergeRanges(segments.filter((s) => s.verdict === v).flatMap((s) => s.ports));
    const blockedPorts = portsWith('block');
    const unknownPorts = portsWith('unknown');
    const fix = segments.filter((s) => s.verdict !== 'allow').map((s) => fixFor(dump.format, s.decider, flow, s.ports));
    return {
      flow: name,
      direction: flow.direction,
      verdict: blockedPorts.length > 0 ? 'block' : unknownPorts.length > 0 ? 'unknown' : 'allow',
      ports: flow.ports,
      blockedPorts,
      unknownPorts,
      rules: rulesOf(segments),
      fix: [...new Set(fix)],
    };
  });
  return { format: dump.format, ...(o.host ? { host: o.host } : {}), side: o.side, flows: verdicts, notes: [...notes] };
}
