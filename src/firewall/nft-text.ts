import { subtract } from '../ftp/index.js';
import { parseAddressList, parsePortList } from './port-text.js';
import { DumpParseError, splitLines, type Chain, type ChainDump, type Rule } from './rule-model.js';

/**
 * `nft list ruleset` text: tables hold chains; a base chain names its hook, priority and policy.
 * Rules keep their order; the evaluator walks them first-match (nft(8), "CHAINS" and "VERDICT STATEMENT").
 */

/** Named priorities of nft(8) "Table 6. Standard priority names" for the ip/ip6/inet families. */
const PRIORITY: Readonly<Record<string, number>> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};

function priorityValue(text: string): number {
  const m = /^(-?\d+|[a-z]+)(?:\s*([+-])\s*(\d+))?$/.exec(text.trim());
  if (!m) return 0;
  const base = /^-?\d+$/.test(m[1]!) ? Number(m[1]) : (PRIORITY[m[1]!] ?? 0);
  return m[2] === '-' ? base - Number(m[3]) : m[2] === '+' ? base + Number(m[3]) : base;
}

const VALUE = String.raw`(\{[^}]*\}|\S+)`;

/** Conditions that depend on things a dump does not tell: the packet's interface, marks, users, sets, rates. */
const OPAQUE: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:meta\s+)?(?:iif|oif|iifname|oifname|iiftype|oiftype)\b/, 'interface'],
  [/\bmeta (?:mark|skuid|skgid|cgroup|priority)\b|\bskuid\b|\bskgid\b/, 'socket owner or mark'],
  [/\bct (?:mark|helper|status|zone|direction|label)\b/, 'connection tracking detail'],
  [/@\w/, 'named set or map'],
  [/!=|\bnot\b/, 'negation'],
  [/\blimit rate\b|\bquota\b|\bmeter\b/, 'rate limit'],
  [/\bfib\b|\bsocket\b|\bosf\b|\brt\b|\bipsec\b|\bnumgen\b|\bjhash\b/, 'routing or socket lookup'],
];

const PORT_NEGATION = new RegExp(String.raw`\b(?:tcp|th) [ds]port != ${VALUE}`, 'g');

/** One rule line of a chain, as nft prints it. */
export function nftRuleFromText(text: string, line: number, position: number): Rule {
  // A comment follows the verdict, and log prefixes are free text: neither is a condition.
  const body = text
    .replace(/\s+comment\s+"(?:[^"\\]|\\.)*"\s*$/, '')
    .replace(/\bprefix\s+"(?:[^"\\]|\\.)*"/g, 'prefix ""');
  const loopbackOnly = /\b(?:meta\s+)?(?:iifname|oifname|iif|oif)\s+"?lo"?(?:\s|$)/.test(body) && !/!=/.test(body);
  const unknown: string[] = [];
  // A port negation is exact (every other port); other negations are not evaluated.
  const conditions = body.replace(PORT_NEGATION, '');
  for (const [re, why] of OPAQUE) if (re.test(conditions) && !(loopbackOnly && why === 'interface')) unknown.push(why);
  const rule: Rule = {
    line,
    position,
    text,
    action: 'none',
    newConnections: true,
    unknown,
    enabled: true,
  };
  if (loopbackOnly) rule.loopbackOnly = true;
  const verdict = /\b(accept|drop|reject(?:\s+with\s+.*)?|return|(?:jump|goto)\s+(\S+))\s*$/.exec(body);
  if (verdict) {
    const word = verdict[1]!.split(/\s+/)[0]!;
    rule.action =
      word === 'accept'
        ? 'allow'
        : word === 'drop' || word === 'reject'
          ? 'block'
          : word === 'return'
            ? 'return'
            : (word as 'jump' | 'goto');
    if (verdict[2]) rule.target = verdict[2];
    if (word === 'drop' || word === 'reject') rule.blockHow = word;
  } else if (/\bqueue\b/.test(body)) {
    rule.action = 'block';
    unknown.push('sent to a userspace program (queue)');
  } else if (/\bvmap\b/.test(body)) {
    // A verdict map may accept, drop or jump, depending on the packet.
    rule.action = 'jump';
    unknown.push('verdict map');
  }
  const ports = (dir: 'dport' | 'sport'): void => {
    const m = new RegExp(String.raw`\b(?:tcp|th) ${dir} (!= )?${VALUE}`).exec(body);
    if (!m || m[2] === 'vmap') return;
    const set = parsePortList(m[2]!);
    if (!set) rule.unknown.push(`${dir} ${m[2]}`);
    else rule[dir === 'dport' ? 'dstPorts' : 'srcPorts'] = m[1] ? subtract([[0, 65535]], set) : set;
  };
  ports('dport');
  ports('sport');
  for (const [key, field] of [
    ['daddr', 'dst'],
    ['saddr', 'src'],
  ] as const) {
    const m = new RegExp(String.raw`\b(ip6?) ${key} ${VALUE}`).exec(body);
    if (!m || m[2] === '!=') continue;
    rule.family = m[1] === 'ip6' ? 6 : 4;
    const list = parseAddressList(m[2]!);
    if (list) rule[field] = list;
    else rule.unknown.push(`${key} ${m[2]}`);
  }
  if (/\b(?:udp|icmp|icmpv6|sctp|dccp|esp|ah|igmp)\b/.test(body) && !/\btcp\b/.test(body)) rule.proto = 'other';
  else if (/\btcp\b/.test(body)) rule.proto = 'tcp';
  const state = new RegExp(String.raw`\bct state ${VALUE}`).exec(body)?.[1];
  if (state !== undefined && !/\bnew\b|\buntracked\b/.test(state)) rule.newConnections = false;
  return rule;
}

export function parseNftText(text: string): ChainDump {
  const lines = splitLines(text, 'nft');
  const chains: Chain[] = [];
  const stack: Array<{ kind: string; line: number }> = [];
  let table: { name: string; family: Chain['family'] } | undefined;
  let chain: Chain | undefined;
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim().replace(/\s+#\s*handle\s+\d+$/, '');
    if (line === '' || line.startsWith('#')) return;
    if (line === '}') {
      const closed = stack.pop();
      if (!closed) throw new DumpParseError('nft', n, 'a closing brace with no open block');
      if (closed.kind === 'chain') chain = undefined;
      if (closed.kind === 'table') table = undefined;
      return;
    }
    const opener = /^(\S+)(?:\s+[^{}]*)?\s*\{$/.exec(line);
    if (opener) {
      const kind = opener[1]!;
      if (stack.length === 0 && kind !== 'table')
        throw new DumpParseError('nft', n, `"${line}" is not a table: not nft list ruleset output`);
      stack.push({ kind, line: n });
      if (kind === 'table') {
        const words = line.split(/\s+/);
        const family = words.length >= 4 ? words[1]! : 'ip';
        const name = words.length >= 4 ? words[2]! : (words[1] ?? '?');
        table = {
          name: `${family} ${name}`,
          family: family === 'ip6' ? 6 : family === 'inet' || family === 'bridge' || family === 'netdev' ? 'both' : 4,
        };
        if (family === 'bridge' || family === 'netdev' || family === 'arp') table.family = 'both';
      } else if (kind === 'chain' && table && stack.length === 2) {
        chain = {
          name: line.split(/\s+/)[1] ?? '?',
          table: table.name,
          family: table.family,
          filter: false,
          priority: 0,
          header: line,
          line: n,
          rules: [],
        };
        if (/^(?:bridge|netdev|arp) /.test(table.name)) chain.hook = 'other';
        chains.push(chain);
      }
      return;
    }
    if (stack.length === 0) throw new DumpParseError('nft', n, `"${line.slice(0, 80)}" is outside any table`);
    if (!chain || stack.at(-1)?.kind !== 'chain') return;
    const type =
      /^type\s+(\w+)\s+hook\s+(\w+)(?:\s+device\s+\S+)?\s+priority\s+([^;]+);(?:\s*policy\s+(accept|drop);)?/.exec(
        line,
      );
    if (type) {
      const hook = type[2]!;
      if (chain.hook !== 'other')
        chain.hook = hook === 'input' || hook === 'output' || hook === 'forward' ? hook : 'other';
      chain.filter = type[1] === 'filter' || type[1] === 'route';
      chain.priority = priorityValue(type[3]!);
      if (type[4]) chain.policy = type[4] as 'accept' | 'drop';
      chain.header = `chain ${chain.name} { ${line} }`;
      return;
    }
    if (/^(?:comment|policy|devices?)\b/.test(line)) return;
    chain.rules.push(nftRuleFromText(line, n, chain.rules.length + 1));
  });
  const open = stack.at(-1);
  if (open)
    throw new DumpParseError('nft', lines.length, `the ${open.kind} opened on line ${open.line} is never closed`);
  return { format: 'nft', model: 'chains', chains };
}
