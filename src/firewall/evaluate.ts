import { type PortSet, intersect, mergeRanges, subtract } from '../ftp/index.js';
import { matchRule, type Flow } from './flow-match.js';
import type { Chain, ChainDump, FirewallDump, PfDump, Rule, WindowsDump, WindowsProfile } from './rule-model.js';

export type { Flow } from './flow-match.js';

/**
 * Decides, port by port, what a firewall dump does with one new TCP connection (a flow): which
 * rule or default allows or blocks each destination port, and where a rule with conditions the
 * dump cannot settle (interface, program, named set) might change that, "unknown" instead of a guess.
 * Each firewall keeps its own order of evaluation:
 * - nftables and iptables: each filter base chain of the hook in priority order, first match in
 *   a chain, jump/goto/return into and out of regular chains, the chain policy for what falls off
 *   the end; an accept ends only the current base chain ("another forward base chain that has a
 *   higher priority number" may still drop), a drop ends everything (nft(8), "VERDICT STATEMENT";
 *   iptables(8), "TARGETS").
 * - Windows Firewall: a matching block rule beats any allow rule (MS-FASP 2.2.34 FW_RULE_ACTION:
 *   "block rules take precedence over allow rules"); traffic no rule matches meets the profile's
 *   default action (INetFwPolicy2 DefaultInboundAction / DefaultOutboundAction).
 * - pf: the last matching rule decides unless a matching rule says `quick`; no match passes
 *   (OpenBSD PF FAQ, "Packet Filtering"; pf.conf(5)).
 */

export interface Decider {
  /** The rule or default as printed. */
  text: string;
  /** Windows: the rule's display name. */
  name?: string;
  line: number;
  /** Position in its chain (Linux) or in the rule list (Windows, pf). */
  position?: number;
  chain?: string;
  /** nftables "inet filter", or the iptables table. */
  table?: string;
  by: 'rule' | 'default';
  action: 'allow' | 'block';
  how?: 'drop' | 'reject';
  /** Conditions of the rule the dump cannot settle. */
  unsettled?: string[];
}

export interface Segment {
  ports: PortSet;
  verdict: 'allow' | 'block' | 'unknown';
  decider: Decider;
  /** Rules that may match these ports and would decide otherwise. */
  doubts: Decider[];
}

export interface FlowEvaluation {
  segments: Segment[];
  notes: string[];
}

interface Doubt {
  ports: PortSet;
  decider: Decider;
  /** The verdict the rule would give; 'any' for a jump whose outcome is unknown. */
  verdict: 'allow' | 'block' | 'any';
  index: number;
  quick?: boolean;
}

const MAX_DEPTH = 32;

/** Marks the parts of segments that a doubt could change as unknown. */
function resolve(segments: Segment[], doubts: Doubt[], counts: (s: Segment, d: Doubt) => boolean): Segment[] {
  let out = segments;
  for (const d of doubts) {
    out = out.flatMap((s) => {
      if (s.verdict === d.verdict || !counts(s, d)) return [s];
      const hit = intersect(s.ports, d.ports);
      if (hit.length === 0) return [s];
      const rest = subtract(s.ports, hit);
      return [
        ...(rest.length ? [{ ...s, ports: rest }] : []),
        { ...s, ports: hit, verdict: 'unknown' as const, doubts: [...s.doubts, d.decider] },
      ];
    });
  }
  return out;
}

function ruleDecider(rule: Rule, action: 'allow' | 'block', chain?: Chain): Decider {
  return {
    text: rule.text,
    name: rule.name,
    line: rule.line,
    position: rule.position,
    chain: chain?.name,
    table: chain?.table,
    by: 'rule',
    action,
    ...(action === 'block' && rule.blockHow ? { how: rule.blockHow } : {}),
    ...(rule.unknown.length > 0 ? { unsettled: rule.unknown } : {}),
  };
}

function evaluateChains(dump: ChainDump, flow: Flow): FlowEvaluation {
  const hook = flow.direction === 'outbound' ? 'output' : 'input';
  const base = dump.chains
    .filter((c) => c.filter && c.hook === hook && (c.family === 'both' || c.family === flow.family))
    .sort((a, b) => a.priority - b.priority);
  const notes: string[] = [];
  if (base.length === 0) {
    notes.push(`no filter chain on the ${hook} hook: this ruleset does not filter ${flow.direction} connections`);
    return {
      segments: [
        {
          ports: flow.ports,
          verdict: 'allow',
          decider: { text: `no ${hook} filter chain`, line: 1, by: 'default', action: 'allow' },
          doubts: [],
        },
      ],
      notes,
    };
  }
  const byName = (table: string, name: string): Chain | undefined =>
    dump.chains.find((c) => c.table === table && c.name === name);
  let alive = mergeRanges(flow.ports);
  const final: Segment[] = [];
  let lastAllowed: Segment[] = [];
  const doubts: Doubt[] = [];
  for (const chain of base) {
    const decided: Segment[] = [];
    const walk = (c: Chain, ports: PortSet, depth: number): PortSet => {
      let rest = ports;
      let fallOut: PortSet = [];
      for (const rule of c.rules) {
        if (rest.length === 0) break;
        const { sure, maybe } = matchRule(rule, flow, rest);
        if (maybe.length > 0 && rule.action !== 'none' && rule.action !== 'return') {
          const verdict = rule.action === 'allow' || rule.action === 'block' ? rule.action : 'any';
          doubts.push({
            ports: maybe,
            decider: ruleDecider(rule, verdict === 'allow' ? 'allow' : 'block', c),
            verdict,
            index: 0,
          });
        }
        if (sure.length === 0 || rule.action === 'none') continue;
        if (rule.action === 'allow' || rule.action === 'block') {
          decided.push({ ports: sure, verdict: rule.action, decider: ruleDecider(rule, rule.action, c), doubts: [] });
          rest = subtract(rest, sure);
        } else if (rule.action === 'return') {
          rest = subtract(rest, sure);
          fallOut = mergeRanges([...fallOut, ...sure]);
        } else {
          const target = rule.target ? byName(c.table, rule.target) : undefined;
          rest = subtract(rest, sure);
          if (!target || depth >= MAX_DEPTH) {
            doubts.push({ ports: sure, decider: ruleDecider(rule, 'block', c), verdict: 'any', index: 0 });
            rest = mergeRanges([...rest, ...sure]);
            continue;
          }
          const back = walk(target, sure, depth + 1);
          if (rule.action === 'jump') rest = mergeRanges([...rest, ...back]);
          else fallOut = mergeRanges([...fallOut, ...back]);
        }
      }
      return mergeRanges([...rest, ...fallOut]);
    };
    const fell = walk(chain, alive, 0);
    if (fell.length > 0) {
      const action = chain.policy === 'drop' ? 'block' : 'allow';
      decided.push({
        ports: fell,
        verdict: action,
        decider: { text: chain.header, line: chain.line, chain: chain.name, table: chain.table, by: 'default', action },
        doubts: [],
      });
    }
    final.push(...decided.filter((s) => s.verdict === 'block'));
    lastAllowed = decided.filter((s) => s.verdict === 'allow');
    alive = mergeRanges(lastAllowed.flatMap((s) => s.ports));
    if (alive.length === 0) break;
  }
  return { segments: resolve([...final, ...lastAllowed], doubts, () => true), notes };
}

const PROFILE_NAMES: readonly WindowsProfile[] = ['domain', 'private', 'public'];

function windowsDefault(dump: WindowsDump, flow: Flow, notes: string[]): Segment[] {
  const key = flow.direction === 'outbound' ? 'outbound' : 'inbound';
  const relevant = dump.profiles.filter((p) =>
    flow.profile ? p.profile === flow.profile : PROFILE_NAMES.includes(p.profile),
  );
  if (relevant.length === 0) {
    // The shipped defaults (Microsoft Learn, INetFwPolicy2 DefaultInboundAction "Block by default",
    // DefaultOutboundAction "Allow by default").
    notes.push(
      `the dump has no ${dump.profiles.length === 0 ? 'profile settings' : `settings for the ${flow.profile} profile`}: assumed the Windows defaults (block inbound, allow outbound)`,
    );
    const action = key === 'outbound' ? 'allow' : 'block';
    return [
      {
        ports: flow.ports,
        verdict: action,
        decider: {
          text: `Windows default for ${key} connections (assumed): ${action}`,
          line: 1,
          by: 'default',
          action,
        },
        doubts: [],
      },
    ];
  }
  const deciders = relevant.map((p): Decider => ({
    text: p.text,
    line: p.line,
    by: 'default',
    action: !p.on || p[key] === 'allow' ? 'allow' : 'block',
  }));
  const first = deciders[0]!;
  const agree = deciders.every((d) => d.action === first.action);
  if (!agree) notes.push('the profiles differ in their default: give --profile to say which network profile is active');
  return [
    {
      ports: flow.ports,
      verdict: agree ? first.action : 'unknown',
      decider: first,
      doubts: agree ? [] : deciders.slice(1),
    },
  ];
}

function evaluateWindows(dump: WindowsDump, asked: Flow): FlowEvaluation {
  const notes: string[] = [];
  const only = dump.activeProfiles?.length === 1 ? dump.activeProfiles[0] : undefined;
  if (!asked.profile && only)
    notes.push(`the connected network's profile is ${only} (Get-NetConnectionProfile): its rules and default decide`);
  const flow = { ...asked, profile: asked.profile ?? only };
  const relevant = dump.profiles.filter((p) => !flow.profile || p.profile === flow.profile);
  if (relevant.length > 0 && relevant.every((p) => !p.on)) {
    const p = relevant[0]!;
    return {
      segments: [
        {
          ports: flow.ports,
          verdict: 'allow',
          decider: { text: p.text, line: p.line, by: 'default', action: 'allow' },
          doubts: [],
        },
      ],
      notes: ['Windows Firewall is off for the profile(s) in question'],
    };
  }
  let rest = mergeRanges(flow.ports);
  const segments: Segment[] = [];
  const doubts: Doubt[] = [];
  for (const pass of ['block', 'allow'] as const) {
    for (const rule of dump.rules.filter((r) => r.action === pass)) {
      const { sure, maybe } = matchRule(rule, flow, rest);
      if (maybe.length > 0) doubts.push({ ports: maybe, decider: ruleDecider(rule, pass), verdict: pass, index: 0 });
      if (sure.length === 0) continue;
      segments.push({ ports: sure, verdict: pass, decider: ruleDecider(rule, pass), doubts: [] });
      rest = subtract(rest, sure);
    }
  }
  if (rest.length > 0) segments.push(...windowsDefault(dump, { ...flow, ports: rest }, notes));
  // A possible block beats an allow of any kind; a possible allow only beats the default block.
  const resolved = resolve(segments, doubts, (s, d) => d.verdict === 'block' || s.decider.by === 'default');
  if (dump.statefulFtp === true && flow.direction === 'inbound')
    notes.push(
      'StatefulFTP is on: Windows Firewall itself opens active-mode data connections it sees in plain FTP (not under TLS)',
    );
  return { segments: resolved, notes };
}

function evaluatePf(dump: PfDump, flow: Flow): FlowEvaluation {
  const notes = dump.anchors.map(
    (a) => `anchor "${a}" may hold more rules, which pfctl -sr does not list (see: pfctl -a '${a}' -sr)`,
  );
  if (dump.enabled === false) {
    return {
      segments: [
        {
          ports: flow.ports,
          verdict: 'allow',
          decider: { text: 'Status: Disabled (pfctl -s info)', line: 1, by: 'default', action: 'allow' },
          doubts: [],
        },
      ],
      notes: ['pf is disabled: its rules do not apply'],
    };
  }
  type Pending = Segment & { index: number; quick: boolean };
  let segments: Pending[] = [
    {
      ports: mergeRanges(flow.ports),
      verdict: 'allow',
      decider: { text: 'no rule matches: pf passes by default', line: 1, by: 'default', action: 'allow' },
      doubts: [],
      index: -1,
      quick: false,
    },
  ];
  const doubts: Doubt[] = [];
  dump.rules.forEach((rule, index) => {
    if (rule.action !== 'allow' && rule.action !== 'block') return;
    const open = mergeRanges(segments.filter((s) => !s.quick).flatMap((s) => s.ports));
    const { sure, maybe } = matchRule(rule, flow, open);
    if (maybe.length > 0)
      doubts.push({
        ports: maybe,
        decider: ruleDecider(rule, rule.action),
        verdict: rule.action,
        index,
        quick: rule.quick,
      });
    if (sure.length === 0) return;
    segments = segments.flatMap((s) => {
      if (s.quick) return [s];
      const rest = subtract(s.ports, sure);
      return rest.length ? [{ ...s, ports: rest }] : [];
    });
    segments.push({
      ports: sure,
      verdict: rule.action,
      decider: ruleDecider(rule, rule.action),
      doubts: [],
      index,
      quick: rule.quick === true,
    });
  });
  // A possible match counts after the deciding rule (it would be the last match), or before it when quick.
  const resolved = resolve(segments, doubts, (s, d) => {
    const at = (s as Pending).index;
    return (d.index > at && !(s as Pending).quick) || (d.quick === true && d.index < at);
  });
  return {
    segments: resolved.map(({ ports, verdict, decider, doubts: ds }) => ({ ports, verdict, decider, doubts: ds })),
    notes,
  };
}

export function evaluateFlow(dump: FirewallDump, flow: Flow): FlowEvaluation {
  if (dump.model === 'chains') return evaluateChains(dump, flow);
  if (dump.model === 'windows') return evaluateWindows(dump, flow);
  return evaluatePf(dump, flow);
}
