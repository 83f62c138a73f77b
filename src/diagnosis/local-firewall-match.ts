import { type FirewallDump, evaluateFlow, familyOf, rulesOf } from '../firewall/index.js';
import { type PortSet, mergeRanges } from '../ftp/index.js';
import type { BlockedFlow } from './firewall-examples.js';

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
    ports: mergeRanges(flow.ports),
  });
  return rulesOf(segments.filter((s) => s.verdict !== 'allow'))
    .filter((r) => r.action === 'block')
    .map((r) => ({
      text: r.text,
      ...(r.chain !== undefined ? { chain: r.chain } : {}),
      by: r.by === 'rule' ? 'rule' : 'policy',
      verdict: r.how ?? 'drop',
      ports: r.ports,
      uncertain: !r.certain,
    }));
}
