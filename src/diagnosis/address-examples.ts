import type { FixExample } from './finding.js';
import { allowRuleExamples, type BlockedFlow } from './firewall-examples.js';

/**
 * Allow-rules for one flow to several server addresses: the examples for each address, merged per
 * firewall (the comment line once), so a pool of addresses gets one paste-ready block per system.
 */
export function allowRuleExamplesFor(addresses: readonly string[], flow: Omit<BlockedFlow, 'remote'>): FixExample[] {
  const merged = new Map<FixExample['system'], string[]>();
  for (const remote of addresses) {
    for (const example of allowRuleExamples({ ...flow, remote })) {
      const lines = merged.get(example.system) ?? [];
      for (const line of example.text.split('\n')) if (!lines.includes(line)) lines.push(line);
      merged.set(example.system, lines);
    }
  }
  return [...merged].map(([system, lines]) => ({ system, text: lines.join('\n') }));
}
