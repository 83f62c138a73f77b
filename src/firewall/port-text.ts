import { type PortSet, mergeRanges } from '../ftp/index.js';

/**
 * Port lists as firewall tools print them: "21", "60000-65535" (nft, Windows), "60000:65535"
 * (iptables, pf), "{ 21, 60000-65535 }", "21,60000:65535", and the service names the tools
 * substitute for well-known ports (/etc/services).
 */

const SERVICES: Readonly<Record<string, number>> = {
  'ftp-data': 20,
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  www: 80,
  https: 443,
  ftps: 990,
  'ftps-data': 989,
};

function portNumber(text: string): number | undefined {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : SERVICES[text.toLowerCase()];
  return n !== undefined && n >= 0 && n <= 65535 ? n : undefined;
}

/** One item: a port or an inclusive range; undefined when not understood. */
export function portItem(text: string): [number, number] | undefined {
  const t = text.trim();
  const range = /^([\w-]+?)\s*[-:]\s*(\w+)$/.exec(t);
  if (range && /^\d+$/.test(range[1]!)) {
    const a = portNumber(range[1]!);
    const b = portNumber(range[2]!);
    return a !== undefined && b !== undefined && a <= b ? [a, b] : undefined;
  }
  const n = portNumber(t);
  return n !== undefined ? [n, n] : undefined;
}

/** A list separated by commas or spaces, braces optional; undefined when one item is not understood. */
export function parsePortList(text: string): PortSet | undefined {
  const items = text
    .replace(/^\s*\{|\}\s*$/g, '')
    .split(/[,\s]+/)
    .filter(Boolean);
  if (items.length === 0) return undefined;
  const out: Array<[number, number]> = [];
  for (const item of items) {
    const v = portItem(item);
    if (!v) return undefined;
    out.push(v);
  }
  return mergeRanges(out);
}

/** Addresses and prefixes; undefined when an item is a name, a set reference or anything else. */
export function parseAddressList(text: string): string[] | undefined {
  const items = text
    .replace(/^\s*\{|\}\s*$/g, '')
    .split(/[,\s]+/)
    .filter(Boolean);
  return items.length > 0 && items.every((i) => /^[0-9a-fA-F:.]+(\/\d{1,3})?(-[0-9a-fA-F:.]+)?$/.test(i))
    ? items
    : undefined;
}
