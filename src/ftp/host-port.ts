import { isIP } from 'node:net';

/**
 * The two ways FTP writes an address and a port on the control channel:
 * RFC 959 §4.1.2 host-port ("h1,h2,h3,h4,p1,p2", IPv4 only, used by PORT and the 227 reply)
 * and RFC 2428 §2/§3 ("|af|addr|port|" for EPRT, "(|||port|)" for the 229 reply).
 * Pure functions: servers and clients both encode and decode these.
 */

export interface HostPort {
  address: string;
  port: number;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

export function encodeHostPort({ address, port }: HostPort): string {
  if (isIP(address) !== 4) throw new RangeError(`host-port needs an IPv4 address, got ${address}`);
  return `${address.split('.').join(',')},${port >> 8},${port & 255}`;
}

/** Decodes the six numbers of RFC 959 host-port; each must be 0–255 (RFC 959 §4.1.2). */
export function decodeHostPort(text: string): Decoded<HostPort> {
  const parts = text.trim().split(',');
  if (parts.length !== 6) return fail(`expected 6 comma-separated numbers, got ${parts.length}`);
  const numbers: number[] = [];
  for (const part of parts) {
    const p = part.trim();
    if (!/^\d{1,3}$/.test(p)) return fail(`"${p}" is not a number from 0 to 255`);
    const n = Number(p);
    if (n > 255) return fail(`${n} is above 255`);
    numbers.push(n);
  }
  const [a, b, c, d, p1, p2] = numbers as [number, number, number, number, number, number];
  return { ok: true, value: { address: `${a}.${b}.${c}.${d}`, port: p1 * 256 + p2 } };
}

/**
 * Finds the host-port inside a 227 reply text. RFC 959 does not fix the surrounding text, and real
 * servers send "Entering Passive Mode (h1,...,p2)", "=h1,...,p2" or the bare numbers with text after.
 */
export function decodePasvReply(text: string): Decoded<HostPort> {
  const match = /(\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+)/.exec(text);
  if (!match?.[1]) return fail('no h1,h2,h3,h4,p1,p2 in the 227 reply');
  return decodeHostPort(match[1].replace(/\s+/g, ''));
}

export function encodePasvReply(hp: HostPort): string {
  return `Entering Passive Mode (${encodeHostPort(hp)}).`;
}

/** RFC 2428 §2: "|1|132.235.1.2|6275|" or "|2|1080::8:800:200C:417A|5282|"; any delimiter in 33–126. */
export function encodeEprt({ address, port }: HostPort): string {
  const family = isIP(address);
  if (family === 0) throw new RangeError(`EPRT needs an IP address, got ${address}`);
  return `|${family === 4 ? 1 : 2}|${address}|${port}|`;
}

export function decodeEprt(text: string): Decoded<HostPort & { family: 4 | 6 }> {
  const t = text.trim();
  const delimiter = t[0];
  if (delimiter === undefined || delimiter.charCodeAt(0) < 33 || delimiter.charCodeAt(0) > 126) {
    return fail('EPRT argument must start with a delimiter character');
  }
  const fields = t.split(delimiter);
  if (fields.length !== 5 || fields[0] !== '' || fields[4] !== '') return fail('EPRT needs |af|address|port|');
  const [, af, address = '', portText = ''] = fields;
  if (af !== '1' && af !== '2') return fail(`unknown address family "${af}" (RFC 2428: 1 or 2)`);
  const family = af === '1' ? 4 : 6;
  if (isIP(address) !== family) return fail(`"${address}" is not an IPv${family} address`);
  const port = parsePort(portText);
  if (port === undefined) return fail(`"${portText}" is not a TCP port`);
  return { ok: true, value: { address, port, family } };
}

/** RFC 2428 §3: the 229 reply carries "(|||port|)"; the delimiter may be any of 33–126. */
export function decodeEpsvReply(text: string): Decoded<{ port: number }> {
  const match = /\(([\x21-\x7e])\1\1(\d{1,5})\1\)/.exec(text);
  if (!match?.[2]) return fail('no (|||port|) in the 229 reply');
  const port = parsePort(match[2]);
  if (port === undefined) return fail(`${match[2]} is not a TCP port`);
  return { ok: true, value: { port } };
}

export function encodeEpsvReply(port: number): string {
  return `Entering Extended Passive Mode (|||${port}|)`;
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** "203.0.113.10:21", "[2001:db8::1]:21": an address and port as people and URLs write them (RFC 3986 §3.2.2). */
export function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
