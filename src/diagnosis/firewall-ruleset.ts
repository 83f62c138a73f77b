import { type PortSet, mergeRanges } from '../ftp/index.js';

/**
 * This computer's firewall ruleset, read-only text as captured by the engine (`nft list ruleset`,
 * `nft -j list ruleset` or `iptables-save`), reduced to what decides a TCP connection's fate in the
 * filter input/output chains: protocol, destination ports, addresses, connection state, verdict.
 * Anything we cannot evaluate (interfaces, negations, named sets, marks) makes a rule "opaque":
 * an opaque drop may match, an opaque accept is never assumed to let a flow through.
 */

export type Hook = 'input' | 'output' | 'other';
export type Verdict = 'accept' | 'drop' | 'reject' | 'other';

export interface FirewallRule {
  chain: string;
  hook: Hook;
  verdict: Verdict;
  proto?: string;
  dports?: PortSet;
  daddr?: string[];
  saddr?: string[];
  /** Matches only established/related packets, never a new connection. */
  establishedOnly: boolean;
  opaque: boolean;
  /** The rule as written, for quoting. */
  text: string;
}

export interface ChainPolicy {
  chain: string;
  hook: Hook;
  policy: 'accept' | 'drop';
  text: string;
}

export interface Ruleset {
  source: 'nft' | 'nft-json' | 'iptables-save';
  rules: FirewallRule[];
  policies: ChainPolicy[];
}

const SERVICES: Record<string, number> = {
  'ftp-data': 20,
  ftp: 21,
  ssh: 22,
  http: 80,
  https: 443,
  ftps: 990,
  'ftps-data': 989,
};

function portValue(text: string): [number, number] | undefined {
  const t = text.trim();
  const range = /^(\w[\w-]*?)\s*[-:]\s*(\w+)$/.exec(t);
  const single = (s: string) => (/^\d+$/.test(s) ? Number(s) : SERVICES[s]);
  if (range && /^\d+$/.test(range[1]!)) {
    const a = single(range[1]!);
    const b = single(range[2]!);
    return a !== undefined && b !== undefined ? [a, b] : undefined;
  }
  const n = single(t);
  return n !== undefined ? [n, n] : undefined;
}

/** "21", "60000-65535", "{ 21, 60000-65535 }", "21,60000:65535" → ports, or undefined when not understood. */
function parsePorts(text: string): PortSet | undefined {
  const items = text
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out: Array<[number, number]> = [];
  for (const item of items) {
    const v = portValue(item);
    if (!v) return undefined;
    out.push(v);
  }
  return mergeRanges(out);
}

function parseAddresses(text: string): string[] | undefined {
  const items = text
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.every((i) => /^[0-9a-fA-F:.]+(\/\d+)?$/.test(i)) ? items : undefined;
}

const VALUE = String.raw`(\{[^}]*\}|\S+)`;

function nftRule(line: string, chain: string, hook: Hook): FirewallRule {
  const text = line.trim().replace(/\s+#\s*handle\s+\d+$/, '');
  let opaque = /!=|@|\b(iif|oif|iifname|oifname|meta mark|skuid|skgid|ct mark)\b/.test(text);
  const dportText = new RegExp(String.raw`\b(?:tcp|th) dport ${VALUE}`).exec(text)?.[1];
  const dports = dportText ? parsePorts(dportText) : undefined;
  if (dportText && !dports) opaque = true;
  const addr = (key: 'daddr' | 'saddr') => {
    const raw = new RegExp(String.raw`\bip6? ${key} ${VALUE}`).exec(text)?.[1];
    if (!raw) return undefined;
    const parsed = parseAddresses(raw);
    if (!parsed) opaque = true;
    return parsed;
  };
  const daddr = addr('daddr');
  const saddr = addr('saddr');
  const proto = /\btcp\b/.test(text)
    ? 'tcp'
    : /\budp\b/.test(text)
      ? 'udp'
      : /\bicmp(v6)?\b/.test(text)
        ? 'icmp'
        : undefined;
  const state = /\bct state \{?\s*([\w,\s]+?)\s*\}?\s+(accept|drop|reject|counter|log|jump|goto)/.exec(text)?.[1];
  const establishedOnly = state !== undefined && !/\bnew\b|\buntracked\b/.test(state);
  const verdict: Verdict = /\baccept\s*$/.test(text)
    ? 'accept'
    : /\bdrop\s*$/.test(text)
      ? 'drop'
      : /\breject\b/.test(text)
        ? 'reject'
        : 'other';
  return { chain, hook, verdict, proto, dports, daddr, saddr, establishedOnly, opaque, text };
}

function parseNftText(text: string): Ruleset {
  const rules: FirewallRule[] = [];
  const policies: ChainPolicy[] = [];
  const stack: string[] = [];
  let chain: { name: string; hook: Hook } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line === '}') {
      if (stack.pop() === 'chain') chain = undefined;
      continue;
    }
    const opener = /^(\S+)(?:\s+\S+)*\s*\{$/.exec(line);
    if (opener) {
      const kind = opener[1]!;
      stack.push(kind);
      if (kind === 'chain') chain = { name: line.split(/\s+/)[1] ?? '?', hook: 'other' };
      continue;
    }
    if (!chain || stack.at(-1) !== 'chain') continue;
    const type = /^type\s+(\w+)\s+hook\s+(\w+)/.exec(line);
    if (type) {
      chain.hook = type[1] === 'filter' && (type[2] === 'input' || type[2] === 'output') ? type[2] : 'other';
      const policy = /policy\s+(accept|drop)/.exec(line)?.[1] as 'accept' | 'drop' | undefined;
      if (policy)
        policies.push({ chain: chain.name, hook: chain.hook, policy, text: `chain ${chain.name} { ${line} }` });
      continue;
    }
    rules.push(nftRule(line, chain.name, chain.hook));
  }
  return { source: 'nft', rules, policies };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function jsonPorts(right: Json): PortSet | undefined {
  if (typeof right === 'number') return [[right, right]];
  if (typeof right === 'string') return parsePorts(right);
  if (right && typeof right === 'object' && !Array.isArray(right)) {
    if (Array.isArray(right.range)) return [[Number(right.range[0]), Number(right.range[1])]];
    if (Array.isArray(right.set)) {
      const parts = right.set.map(jsonPorts);
      return parts.every((p) => p !== undefined) ? mergeRanges(parts.flat() as Array<[number, number]>) : undefined;
    }
  }
  return undefined;
}

function jsonAddresses(right: Json): string[] | undefined {
  if (typeof right === 'string') return [right];
  if (right && typeof right === 'object' && !Array.isArray(right)) {
    const prefix = right.prefix;
    if (prefix && typeof prefix === 'object' && !Array.isArray(prefix))
      return [`${jsonValueText(prefix.addr ?? null)}/${jsonValueText(prefix.len ?? null)}`];
    if (Array.isArray(right.set)) {
      const parts = right.set.map(jsonAddresses);
      return parts.every((p) => p !== undefined) ? parts.flat() : undefined;
    }
  }
  return undefined;
}

/** A JSON expression value written the way `nft list ruleset` prints it. */
function jsonValueText(v: Json): string {
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `{ ${v.map(jsonValueText).join(', ')} }`;
  if (Array.isArray(v.range)) return `${jsonValueText(v.range[0] ?? null)}-${jsonValueText(v.range[1] ?? null)}`;
  if (Array.isArray(v.set)) return `{ ${v.set.map(jsonValueText).join(', ')} }`;
  const prefix = v.prefix;
  if (prefix && typeof prefix === 'object' && !Array.isArray(prefix))
    return `${jsonValueText(prefix.addr ?? null)}/${jsonValueText(prefix.len ?? null)}`;
  return JSON.stringify(v);
}

function parseNftJson(data: { nftables?: Json[] }): Ruleset {
  const rules: FirewallRule[] = [];
  const policies: ChainPolicy[] = [];
  const hooks = new Map<string, Hook>();
  for (const item of data.nftables ?? []) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    const c = item.chain as { [key: string]: Json } | undefined;
    if (c && typeof c === 'object') {
      const hook: Hook = c.type === 'filter' && (c.hook === 'input' || c.hook === 'output') ? c.hook : 'other';
      const key = `${jsonValueText(c.family ?? null)} ${jsonValueText(c.table ?? null)} ${jsonValueText(c.name ?? null)}`;
      hooks.set(key, hook);
      if (c.policy === 'accept' || c.policy === 'drop') {
        policies.push({
          chain: jsonValueText(c.name ?? null),
          hook,
          policy: c.policy,
          text: `chain ${jsonValueText(c.name ?? null)} { type ${jsonValueText(c.type ?? null)} hook ${jsonValueText(c.hook ?? null)} priority ${jsonValueText(c.prio ?? null)}; policy ${jsonValueText(c.policy ?? null)}; }`,
        });
      }
    }
    const r = item.rule as { [key: string]: Json } | undefined;
    if (r && typeof r === 'object' && Array.isArray(r.expr)) {
      const hook =
        hooks.get(
          `${jsonValueText(r.family ?? null)} ${jsonValueText(r.table ?? null)} ${jsonValueText(r.chain ?? null)}`,
        ) ?? 'other';
      const rule: FirewallRule = {
        chain: jsonValueText(r.chain ?? null),
        hook,
        verdict: 'other',
        establishedOnly: false,
        opaque: false,
        text: '',
      };
      const words: string[] = [];
      for (const e of r.expr) {
        if (!e || typeof e !== 'object' || Array.isArray(e)) continue;
        if ('accept' in e || 'drop' in e || 'reject' in e) {
          rule.verdict = 'accept' in e ? 'accept' : 'drop' in e ? 'drop' : 'reject';
          words.push(rule.verdict);
          continue;
        }
        const m = e.match as { [key: string]: Json } | undefined;
        if (!m || typeof m !== 'object') {
          if (!('counter' in e) && !('log' in e)) rule.opaque = true;
          continue;
        }
        const left = m.left as { [key: string]: Json } | undefined;
        const payload = left?.payload as { [key: string]: Json } | undefined;
        const ct = left?.ct as { [key: string]: Json } | undefined;
        const op = m.op ?? '==';
        words.push(
          `${payload ? `${jsonValueText(payload.protocol ?? null)} ${jsonValueText(payload.field ?? null)}` : ct ? `ct ${jsonValueText(ct.key ?? null)}` : jsonValueText(left ?? null)} ${op === '==' || op === 'in' ? '' : `${jsonValueText(op)} `}${jsonValueText(m.right ?? null)}`,
        );
        if (op !== '==' && op !== 'in') {
          rule.opaque = true;
          continue;
        }
        if (payload && payload.field === 'dport') {
          rule.proto = jsonValueText(payload.protocol ?? null);
          const ports = jsonPorts(m.right ?? null);
          if (ports) rule.dports = ports;
          else rule.opaque = true;
        } else if (payload && (payload.field === 'daddr' || payload.field === 'saddr')) {
          const addrs = jsonAddresses(m.right ?? null);
          if (addrs) rule[payload.field] = addrs;
          else rule.opaque = true;
        } else if (ct && ct.key === 'state') {
          const states = (Array.isArray(m.right) ? m.right : [m.right]).map((v) => jsonValueText(v ?? null));
          rule.establishedOnly = !states.includes('new') && !states.includes('untracked');
        } else if (payload && payload.field === 'protocol') {
          rule.proto = jsonValueText(m.right ?? null);
        } else {
          rule.opaque = true;
        }
      }
      rule.text = `${jsonValueText(r.family ?? null)} ${jsonValueText(r.table ?? null)} ${jsonValueText(r.chain ?? null)}: ${words.join(' ').replace(/\s+/g, ' ')}`;
      rules.push(rule);
    }
  }
  return { source: 'nft-json', rules, policies };
}

function parseIptablesSave(text: string): Ruleset {
  const rules: FirewallRule[] = [];
  const policies: ChainPolicy[] = [];
  let table = '';
  const hookOf = (chain: string): Hook =>
    table !== 'filter' ? 'other' : chain === 'INPUT' ? 'input' : chain === 'OUTPUT' ? 'output' : 'other';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) table = line.slice(1);
    const policy = /^:(\S+)\s+(ACCEPT|DROP)\b/.exec(line);
    if (policy) {
      policies.push({
        chain: policy[1]!,
        hook: hookOf(policy[1]!),
        policy: policy[2] === 'DROP' ? 'drop' : 'accept',
        text: `${line} (table ${table})`,
      });
      continue;
    }
    const append = /^-A\s+(\S+)\s+(.*)$/.exec(line);
    if (!append) continue;
    const chain = append[1]!;
    const body = append[2]!;
    const arg = (flag: string) => new RegExp(String.raw`(?:^|\s)${flag}\s+(\S+)`).exec(body)?.[1];
    const target = arg('-j');
    const dportText = arg('--dport') ?? arg('--dports') ?? arg('--destination-ports');
    const dports = dportText ? parsePorts(dportText) : undefined;
    const state = arg('--ctstate') ?? arg('--state');
    const split = (v: string | undefined) => (v ? v.split(',').map((a) => a.replace(/\/(32|128)$/, '')) : undefined);
    rules.push({
      chain,
      hook: hookOf(chain),
      verdict: target === 'ACCEPT' ? 'accept' : target === 'DROP' ? 'drop' : target === 'REJECT' ? 'reject' : 'other',
      proto: arg('-p'),
      dports,
      daddr: split(arg('-d')),
      saddr: split(arg('-s')),
      establishedOnly: state !== undefined && !/NEW|UNTRACKED/.test(state),
      opaque:
        /(^|\s)!(\s|$)|\s-[io]\s|--match-set|--uid-owner|--mark/.test(` ${body}`) ||
        (dportText !== undefined && !dports),
      text: line,
    });
  }
  return { source: 'iptables-save', rules, policies };
}

export function parseRuleset(text: string): Ruleset {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      return parseNftJson(JSON.parse(trimmed) as { nftables?: Json[] });
    } catch {
      return { source: 'nft-json', rules: [], policies: [] };
    }
  }
  if (/^(\*\w+|:\w+\s|-A\s|# Generated by (ip6?tables|iptables)-save)/m.test(trimmed) && !/^\s*table\s/m.test(trimmed))
    return parseIptablesSave(trimmed);
  return parseNftText(trimmed);
}
