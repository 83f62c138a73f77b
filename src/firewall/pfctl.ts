import { type PortSet, mergeRanges } from '../ftp/index.js';
import { portItem } from './port-text.js';
import { DumpParseError, splitLines, type PfDump, type Rule } from './rule-model.js';

/**
 * `pfctl -sr` (pf.conf(5), "PACKET FILTERING"): one rule per line,
 * `action [direction] [log] [quick] [on iface] [af] [proto p] from SRC [port P] to DST [port P] …`.
 * pf evaluates every rule and the last match decides, unless a matching rule has `quick`; with no
 * match the packet passes (OpenBSD PF FAQ, "Packet Filtering"). A pasted `pfctl -s info` block
 * ("Status: Enabled" / "Disabled") says whether pf filters at all.
 */

const RULE_START =
  /^(pass|block|match|anchor|scrub|scrub-anchor|nat|rdr|binat|nat-anchor|rdr-anchor|binat-anchor|dummynet-anchor|load|antispoof|table|set)\b/;

/** Splits a rule into words, keeping { lists }, "quoted strings", <tables> and (interfaces) whole. */
function words(text: string): string[] {
  return [...text.matchAll(/\{[^}]*\}|"[^"]*"|<[^>]*>|\([^)]*\)|[^\s{}"<>()]+/g)].map((m) => m[0]);
}

const PORT_OPS = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** `port = 21`, `port 21`, `port 60000:65535`, `port 1000 >< 2000`, `port > 1023`, `port { 21 22 }`. */
function readPort(w: string[], i: number): { ports?: PortSet; unknown?: string; next: number } {
  const a = w[i];
  if (a === undefined) return { unknown: 'port', next: i };
  if (a.startsWith('{')) {
    const parts = a
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter(Boolean);
    const items = parts.flatMap((part): Array<[number, number]> => {
      const item = portItem(part);
      return item ? [item] : [];
    });
    return items.length === parts.length && items.length > 0
      ? { ports: mergeRanges(items), next: i + 1 }
      : { unknown: `port ${a}`, next: i + 1 };
  }
  if (PORT_OPS.has(a)) {
    const n = portItem(w[i + 1] ?? '');
    if (!n) return { unknown: `port ${a} ${w[i + 1] ?? ''}`, next: i + 2 };
    const p = n[0];
    const table: Record<string, PortSet | undefined> = {
      '=': [n],
      '<': p > 0 ? [[0, p - 1]] : [],
      '<=': [[0, p]],
      '>': p < 65535 ? [[p + 1, 65535]] : [],
      '>=': [[p, 65535]],
    };
    const ports = table[a];
    return ports ? { ports, next: i + 2 } : { unknown: `port ${a} ${w[i + 1]}`, next: i + 2 };
  }
  const op = w[i + 1];
  if (op === '><' || op === '<>') {
    const lo = Number(a);
    const hi = Number(w[i + 2]);
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) return { unknown: `port ${a} ${op} ${w[i + 2]}`, next: i + 3 };
    const ports: PortSet =
      op === '><'
        ? lo + 1 <= hi - 1
          ? [[lo + 1, hi - 1]]
          : []
        : mergeRanges([
            ...(lo > 0 ? [[0, lo - 1] as [number, number]] : []),
            ...(hi < 65535 ? [[hi + 1, 65535] as [number, number]] : []),
          ]);
    return { ports, next: i + 3 };
  }
  const item = portItem(a);
  return item ? { ports: [item], next: i + 1 } : { unknown: `port ${a}`, next: i + 1 };
}

/** `any`, an address or prefix, or a { list }; tables, interfaces, negations and `self` stay unknown. */
function readHost(word: string): { addrs?: string[]; unknown?: string } {
  if (word === 'any' || word === 'all') return {};
  const items = word.startsWith('{')
    ? word
        .slice(1, -1)
        .split(/[\s,]+/)
        .filter(Boolean)
    : [word];
  if (items.length > 0 && items.every((x) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(x) && /[.:]/.test(x)))
    return { addrs: items };
  return { unknown: `address ${word}` };
}

function pfRule(text: string, line: number, position: number): Rule {
  const w = words(text);
  const rule: Rule = { line, position, text, action: 'none', newConnections: true, unknown: [], enabled: true };
  const verb = w[0];
  if (verb === 'pass') rule.action = 'allow';
  else if (verb === 'block') {
    rule.action = 'block';
    // `block` alone follows `set block-policy`, whose default is drop (pf.conf(5)).
    rule.blockHow = /^block\s+return/.test(text) ? 'reject' : 'drop';
  }
  let side: 'src' | 'dst' | undefined;
  for (let i = 1; i < w.length; i++) {
    const word = w[i]!;
    switch (word) {
      case 'in':
        rule.direction = 'inbound';
        break;
      case 'out':
        rule.direction = 'outbound';
        break;
      case 'quick':
        rule.quick = true;
        break;
      case 'inet':
        rule.family = 4;
        break;
      case 'inet6':
        rule.family = 6;
        break;
      case 'on': {
        const iface = w[++i] ?? '';
        if (iface === 'lo0' || iface === 'lo') rule.loopbackOnly = true;
        else rule.unknown.push(`interface ${iface}`);
        break;
      }
      case 'proto': {
        const p = w[++i] ?? '';
        const names = p
          .replace(/[{}]/g, ' ')
          .split(/[\s,]+/)
          .filter(Boolean);
        rule.proto = names.includes('tcp') || names.includes('6') ? 'tcp' : 'other';
        break;
      }
      case 'all':
        break;
      case 'from':
      case 'to': {
        side = word === 'from' ? 'src' : 'dst';
        let host = w[++i] ?? 'any';
        if (host === '!') host = `!${w[++i] ?? ''}`;
        if (host === 'port') {
          i--;
          break;
        }
        const h = readHost(host);
        if (h.addrs) rule[side] = h.addrs;
        if (h.unknown) rule.unknown.push(h.unknown);
        break;
      }
      case 'port': {
        const p = readPort(w, i + 1);
        i = p.next - 1;
        const field = side === 'src' ? 'srcPorts' : 'dstPorts';
        if (p.ports) rule[field] = p.ports;
        if (p.unknown) rule.unknown.push(p.unknown);
        break;
      }
      case 'user':
      case 'group':
      case 'tagged':
      case 'os':
      case 'received-on':
      case 'probability':
        rule.unknown.push(`${word} ${w[i + 1] ?? ''}`.trim());
        i++;
        break;
    }
  }
  return rule;
}

export function parsePfctl(text: string): PfDump {
  const lines = splitLines(text, 'pfctl');
  const dump: PfDump = { format: 'pfctl', model: 'pf', rules: [], anchors: [] };
  let inInfo = false;
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || /^\[.*\]$/.test(line)) return;
    const status = /^Status:\s*(Enabled|Disabled)\b/i.exec(line);
    if (status) {
      dump.enabled = /^enabled$/i.test(status[1]!);
      inInfo = true;
      return;
    }
    if (/^(No ALTQ support in kernel|ALTQ related functions disabled|pfctl: )/.test(line)) return;
    // `pfctl -s info` counter lines ("match   0   0.0/s") start like rules but carry only numbers.
    if (!RULE_START.test(line) || /^[\w-]+\s{2,}\d/.test(line)) {
      if (inInfo) return;
      throw new DumpParseError('pfctl', n, `"${line.slice(0, 80)}" is not a pf rule`);
    }
    inInfo = false;
    if (/^anchor\s/.test(line)) dump.anchors.push(/^anchor\s+"?([^"\s]+)"?/.exec(line)?.[1] ?? '?');
    if (!/^(pass|block)\b/.test(line)) return;
    dump.rules.push(pfRule(line, n, dump.rules.length + 1));
  });
  return dump;
}
