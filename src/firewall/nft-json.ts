import { type PortSet, mergeRanges, subtract } from '../ftp/index.js';
import { isObject, parseJsonDump, scalar, type Json, type JsonObject } from './json-text.js';
import { parsePortList } from './port-text.js';
import { DumpParseError, type Chain, type ChainDump, type Rule } from './rule-model.js';

/**
 * `nft -j list ruleset` (libnftables-json(5)): a flat list of table, chain and rule objects; a
 * rule's `expr` is its statements in order, ending in a verdict.
 */

function jsonPorts(right: Json | undefined): PortSet | undefined {
  if (typeof right === 'number') return [[right, right]];
  if (typeof right === 'string') return parsePortList(right);
  if (isObject(right)) {
    if (Array.isArray(right.range) && typeof right.range[0] === 'number' && typeof right.range[1] === 'number')
      return [[right.range[0], right.range[1]]];
    if (Array.isArray(right.set)) {
      const parts = right.set.map(jsonPorts);
      return parts.every((p) => p !== undefined) ? mergeRanges(parts.flat()) : undefined;
    }
  }
  return undefined;
}

function jsonAddresses(right: Json | undefined): string[] | undefined {
  if (typeof right === 'string') return right.startsWith('@') ? undefined : [right];
  if (isObject(right)) {
    const prefix = right.prefix;
    if (isObject(prefix)) return [`${scalar(prefix.addr)}/${scalar(prefix.len)}`];
    if (Array.isArray(right.range)) return [`${scalar(right.range[0])}-${scalar(right.range[1])}`];
    if (Array.isArray(right.set)) {
      const parts = right.set.map(jsonAddresses);
      return parts.every((p) => p !== undefined) ? parts.flat() : undefined;
    }
  }
  return undefined;
}

/** A JSON expression value written the way `nft list ruleset` prints it. */
function valueText(v: Json | undefined): string {
  if (v === undefined || v === null || typeof v !== 'object') return scalar(v);
  if (Array.isArray(v)) return `{ ${v.map(valueText).join(', ')} }`;
  if (Array.isArray(v.range)) return `${valueText(v.range[0])}-${valueText(v.range[1])}`;
  if (Array.isArray(v.set)) return `{ ${v.set.map(valueText).join(', ')} }`;
  if (isObject(v.prefix)) return `${scalar(v.prefix.addr)}/${scalar(v.prefix.len)}`;
  return JSON.stringify(v);
}

const VERDICTS: Readonly<Record<string, Rule['action']>> = {
  accept: 'allow',
  drop: 'block',
  reject: 'block',
  jump: 'jump',
  goto: 'goto',
  return: 'return',
};

function ruleFromJson(r: JsonObject, position: number): Rule {
  const rule: Rule = { line: 1, position, text: '', action: 'none', newConnections: true, unknown: [], enabled: true };
  const words: string[] = [];
  for (const e of Array.isArray(r.expr) ? r.expr : []) {
    if (!isObject(e)) continue;
    const verdict = Object.keys(VERDICTS).find((k) => k in e);
    if (verdict) {
      rule.action = VERDICTS[verdict]!;
      if (verdict === 'drop' || verdict === 'reject') rule.blockHow = verdict;
      const body = e[verdict];
      const target = isObject(body) ? body.target : undefined;
      if (typeof target === 'string') rule.target = target;
      words.push(target ? `${verdict} ${scalar(target)}` : verdict);
      continue;
    }
    const m = e.match;
    if (!isObject(m)) {
      if ('queue' in e) {
        rule.action = 'block';
        rule.unknown.push('sent to a userspace program (queue)');
      } else if ('vmap' in e) {
        // A verdict map may accept, drop or jump, depending on the packet.
        rule.action = 'jump';
        rule.unknown.push('verdict map');
        const vmap = isObject(e.vmap) ? e.vmap : {};
        const key = isObject(vmap.key) && isObject(vmap.key.payload) ? vmap.key.payload : undefined;
        words.push(`${key ? `${scalar(key.protocol)} ${scalar(key.field)} ` : ''}vmap ${valueText(vmap.data)}`);
      } else if (!('counter' in e) && !('log' in e) && !('comment' in e)) rule.unknown.push(Object.keys(e)[0] ?? '?');
      continue;
    }
    const left = isObject(m.left) ? m.left : undefined;
    const payload = isObject(left?.payload) ? left.payload : undefined;
    const ct = isObject(left?.ct) ? left.ct : undefined;
    const meta = isObject(left?.meta) ? left.meta : undefined;
    const op = typeof m.op === 'string' ? m.op : '==';
    const leftText = payload
      ? `${scalar(payload.protocol)} ${scalar(payload.field)}`
      : ct
        ? `ct ${scalar(ct.key)}`
        : meta
          ? `meta ${scalar(meta.key)}`
          : valueText(left ?? null);
    words.push(`${leftText} ${op === '==' || op === 'in' ? '' : `${op} `}${valueText(m.right)}`);
    const portMatch = payload && (payload.field === 'dport' || payload.field === 'sport');
    if (op !== '==' && op !== 'in' && !(portMatch && op === '!=')) {
      rule.unknown.push('negation or comparison');
      continue;
    }
    if (payload && portMatch) {
      if (payload.protocol === 'tcp') rule.proto = 'tcp';
      else if (payload.protocol !== 'th') rule.proto = 'other';
      const ports = jsonPorts(m.right);
      // A port negation is exact: every other port.
      if (ports)
        rule[payload.field === 'dport' ? 'dstPorts' : 'srcPorts'] = op === '!=' ? subtract([[0, 65535]], ports) : ports;
      else rule.unknown.push(`${scalar(payload.field)} ${valueText(m.right)}`);
    } else if (payload && (payload.field === 'daddr' || payload.field === 'saddr')) {
      rule.family = payload.protocol === 'ip6' ? 6 : 4;
      const addrs = jsonAddresses(m.right);
      if (addrs) rule[payload.field === 'daddr' ? 'dst' : 'src'] = addrs;
      else rule.unknown.push(`${scalar(payload.field)} ${valueText(m.right)}`);
    } else if (ct && ct.key === 'state') {
      const states = (Array.isArray(m.right) ? m.right : [m.right]).map((x) => scalar(x));
      rule.newConnections = states.includes('new') || states.includes('untracked');
    } else if (meta && meta.key === 'l4proto') {
      const protos = (
        Array.isArray(m.right) ? m.right : isObject(m.right) && Array.isArray(m.right.set) ? m.right.set : [m.right]
      ).map((x) => scalar(x));
      rule.proto = protos.includes('tcp') || protos.includes('6') ? 'tcp' : 'other';
    } else if (meta && (meta.key === 'oifname' || meta.key === 'iifname') && m.right === 'lo') {
      rule.loopbackOnly = true;
    } else if (payload && payload.field === 'protocol') {
      rule.proto = m.right === 'tcp' ? 'tcp' : 'other';
    } else if (payload && payload.protocol !== 'tcp') {
      rule.proto = 'other';
    } else {
      rule.unknown.push(leftText);
    }
  }
  rule.text = `${scalar(r.family)} ${scalar(r.table)} ${scalar(r.chain)}: ${words.join(' ').replace(/\s+/g, ' ')}`;
  return rule;
}

export function parseNftJson(text: string): ChainDump {
  const data = parseJsonDump(text, 'nft-json');
  if (!isObject(data) || !Array.isArray(data.nftables))
    throw new DumpParseError('nft-json', 1, 'JSON without an "nftables" list: not nft -j list ruleset output');
  const chains = new Map<string, Chain>();
  for (const item of data.nftables) {
    if (!isObject(item)) continue;
    const c = item.chain;
    if (isObject(c)) {
      const family = scalar(c.family);
      const hook = typeof c.hook === 'string' ? c.hook : undefined;
      chains.set(`${family} ${scalar(c.table)} ${scalar(c.name)}`, {
        name: scalar(c.name),
        table: `${family} ${scalar(c.table)}`,
        family: family === 'ip' ? 4 : family === 'ip6' ? 6 : 'both',
        hook:
          hook === undefined
            ? undefined
            : (family === 'ip' || family === 'ip6' || family === 'inet') &&
                (hook === 'input' || hook === 'output' || hook === 'forward')
              ? hook
              : 'other',
        filter: c.type === 'filter' || c.type === 'route',
        priority: typeof c.prio === 'number' ? c.prio : 0,
        policy: c.policy === 'accept' || c.policy === 'drop' ? c.policy : undefined,
        header: hook
          ? `chain ${scalar(c.name)} { type ${scalar(c.type)} hook ${hook} priority ${scalar(c.prio)}; policy ${scalar(c.policy)}; }`
          : `chain ${scalar(c.name)}`,
        line: 1,
        rules: [],
      });
    }
    const r = item.rule;
    if (isObject(r)) {
      const chain = chains.get(`${scalar(r.family)} ${scalar(r.table)} ${scalar(r.chain)}`);
      if (chain) chain.rules.push(ruleFromJson(r, chain.rules.length + 1));
    }
  }
  return { format: 'nft-json', model: 'chains', chains: [...chains.values()] };
}
