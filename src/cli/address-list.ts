import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Parsed } from './flag-values.js';

/**
 * `--addresses 203.0.113.10,203.0.113.11` or `--addresses @published.txt`: the addresses a hosting
 * provider publishes for its FTP service. In a file they may be separated by commas, spaces or
 * lines, and `#` starts a comment. Literal IP addresses only: the list is what DNS may not return.
 */

/** More than any provider publishes for one service; a bigger list is more likely a mistake. */
export const MAX_LISTED_ADDRESSES = 256;

export function parseAddressList(text: string, where = '--addresses'): Parsed<string[]> {
  const words = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join(' ')
    .split(/[\s,]+/)
    .filter((w) => w !== '')
    .map((w) => w.replace(/^\[(.*)\]$/, '$1'));
  if (words.length === 0) return { ok: false, message: `${where} names no address` };
  const bad = words.find((w) => isIP(w) === 0);
  if (bad !== undefined) return { ok: false, message: `${where}: "${bad}" is not an IPv4 or IPv6 address` };
  const unique = [...new Set(words)];
  if (unique.length > MAX_LISTED_ADDRESSES)
    return { ok: false, message: `${where} names ${unique.length} addresses; at most ${MAX_LISTED_ADDRESSES}` };
  return { ok: true, value: unique };
}

/** The flag's value: a list, or @file read here (the CLI is the program's I/O edge). */
export function parseAddressesFlag(value: string): Parsed<string[]> {
  if (!value.startsWith('@')) return parseAddressList(value);
  const file = value.slice(1);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, message: `--addresses: cannot read ${file} (${code})` };
  }
  return parseAddressList(text, `--addresses file ${file}`);
}

export function parseAddressFlag(value: string): Parsed<string> {
  const address = value.trim().replace(/^\[(.*)\]$/, '$1');
  return isIP(address) === 0
    ? { ok: false, message: `--address: "${value}" is not an IPv4 or IPv6 address` }
    : { ok: true, value: address };
}
