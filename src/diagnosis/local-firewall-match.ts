import { ALL_PORTS, type PortSet, intersect, mergeRanges, subtract, unmapIpv4 } from '../ftp/index.js';
import { BlockList, isIP } from 'node:net';
import type { BlockedFlow } from './firewall-examples.js';
import type { FirewallRule, Hook, Ruleset } from './firewall-ruleset.js';

/**
 * Which rule of this computer's own firewall stops a blocked flow: walk each filter chain of the
 * flow's direction in order, as the kernel does for a new TCP connection; an accept that surely
 * covers ports takes them out of the running, the first drop/reject that covers any of the rest
 * matches, and what reaches the end of a chain meets its policy.
 */

export interface RuleMatch {
  /** The rule or policy, quoted as written. */
  text: string;
  chain: string;
  by: 'rule' | 'policy';
  verdict: 'drop' | 'reject';
  /** Ports of the flow this rule stops. */
  ports: PortSet;
  /** The rule has conditions we could not evaluate (interface, negation, named set): it may match. */
  uncertain: boolean;
}

function addressIn(address: string, list: string[]): boolean {
  const plain = unmapIpv4(address);
  const family = isIP(plain);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  for (const item of list) {
    const [net, prefix] = item.split('/');
    if (!net || isIP(net) !== family) continue;
    if (prefix === undefined) block.addAddress(net, type);
    else block.addSubnet(net, Number(prefix), type);
  }
  return block.check(plain, type);
}

/** Whether a rule's conditions that we can evaluate admit this flow. */
function applies(rule: FirewallRule, flow: BlockedFlow): boolean {
  if (rule.establishedOnly) return false;
  if (rule.proto !== undefined && rule.proto !== 'tcp' && rule.proto !== 'inet') return false;
  const remoteList = flow.direction === 'outbound' ? rule.daddr : rule.saddr;
  if (remoteList && flow.remote && !addressIn(flow.remote, remoteList)) return false;
  return true;
}

export function matchBlockedFlow(ruleset: Ruleset, flow: BlockedFlow): RuleMatch[] {
  const hook: Hook = flow.direction === 'outbound' ? 'output' : 'input';
  const chains = [
    ...new Set(
      ruleset.rules
        .filter((r) => r.hook === hook)
        .map((r) => r.chain)
        .concat(ruleset.policies.filter((p) => p.hook === hook).map((p) => p.chain)),
    ),
  ];
  const matches: RuleMatch[] = [];
  for (const chain of chains) {
    let remaining = mergeRanges(flow.ports);
    let maybeAccepted: PortSet = [];
    for (const rule of ruleset.rules.filter((r) => r.chain === chain && r.hook === hook)) {
      if (remaining.length === 0) break;
      if (!applies(rule, flow)) continue;
      const covered = intersect(remaining, rule.dports ?? ALL_PORTS);
      if (covered.length === 0) continue;
      const otherEnd = flow.direction === 'outbound' ? rule.saddr : rule.daddr;
      const uncertain = rule.opaque || otherEnd !== undefined;
      if (rule.verdict === 'accept' && !uncertain) remaining = subtract(remaining, covered);
      else if (rule.verdict === 'accept') maybeAccepted = mergeRanges([...maybeAccepted, ...covered]);
      else if (rule.verdict === 'drop' || rule.verdict === 'reject') {
        const shadowed = intersect(covered, maybeAccepted).length > 0;
        matches.push({
          text: rule.text,
          chain,
          by: 'rule',
          verdict: rule.verdict,
          ports: covered,
          uncertain: uncertain || shadowed,
        });
        if (!uncertain) remaining = subtract(remaining, covered);
      }
    }
    const policy = ruleset.policies.find((p) => p.chain === chain && p.hook === hook);
    if (policy?.policy === 'drop' && remaining.length > 0) {
      matches.push({
        text: policy.text,
        chain,
        by: 'policy',
        verdict: 'drop',
        ports: remaining,
        uncertain: intersect(remaining, maybeAccepted).length > 0,
      });
    }
  }
  return matches;
}
