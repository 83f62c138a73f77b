import { evaluateFlow, type Decider } from '../firewall/evaluate.js';
import type { FirewallDump } from '../firewall/rule-model.js';
import { familyOf } from '../firewall/fix-text.js';
import type { BlockedFlow } from './firewall-examples.js';
import { normalise, type PortSet } from './port-set.js';

/**
 * Which rule of this computer's own firewall stops a blocked flow: the firewall's own order of
 * evaluation (src/firewall/evaluate.ts) decides each port; the rules and defaults that block
 * some, or may block them, are the matches.
 */

export interface RuleMatch {
  /** The rule or policy, quoted as written. */
  text: string;
  chain?: string;
  by: 'rule' | 'policy';
  verdict: 'drop' | 'reject';
  /** Ports of the flow this rule stops. */
  ports: PortSet;
  /** The rule has conditions we could not evaluate (interface, negation, named set): it may match. */
  uncertain: boolean;
}

export function matchBlockedFlow(dump: FirewallDump, flow: BlockedFlow): RuleMatch[] {
  const { segments } = evaluateFlow(dump, {
    direction: flow.direction,
    family: familyOf(flow.remote),
    ...(flow.direction === 'outbound' ? { dst: flow.remote } : { src: flow.remote }),
    ports: normalise(flow.ports),
  });
  const matches = new Map<string, RuleMatch>();
  const add = (d: Decider, ports: PortSet, uncertain: boolean): void => {
    if (d.action !== 'block') return;
    const key = `${d.line}\u0000${d.text}`;
    const seen = matches.get(key);
    if (seen) {
      seen.ports = normalise([...seen.ports, ...ports]);
      seen.uncertain &&= uncertain;
      return;
    }
    matches.set(key, {
      text: d.text,
      ...(d.chain !== undefined ? { chain: d.chain } : {}),
      by: d.by === 'rule' ? 'rule' : 'policy',
      verdict: d.how ?? 'drop',
      ports,
      uncertain,
    });
  };
  for (const s of segments) {
    if (s.verdict === 'allow') continue;
    add(s.decider, s.ports, s.verdict === 'unknown');
    for (const d of s.doubts) add(d, s.ports, true);
  }
  return [...matches.values()];
}
