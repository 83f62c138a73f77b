import type { Channel } from '../diagnosis/index.js';
import { normaliseFingerprint } from '../probe/index.js';
import { InvalidArgumentError } from 'commander';
import { isIP } from 'node:net';
import { parsePort } from './target.js';

/**
 * Parsers for the values of command-line flags. Pure; each returns the value or a one-line message
 * that names what was wrong, so the program can print it as a usage error (exit 2).
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** A commander argument parser from one of these: a bad value becomes commander's one-line usage error. */
export function flagParser<T>(parse: (text: string) => Parsed<T>): (text: string) => T {
  return (text) => {
    const r = parse(text);
    if (!r.ok) throw new InvalidArgumentError(r.message);
    return r.value;
  };
}

export function parsePortFlag(text: string, lowest: 0 | 1 = 1): Parsed<number> {
  const r = parsePort(text.trim(), lowest);
  return r.ok ? { ok: true, value: r.port } : r;
}

/** `--active-port 40000` or `--active-port 40000-40100` (inclusive). */
export function parsePortOrRange(text: string): Parsed<[number, number]> {
  const m = /^\s*([^-\s]+)\s*(?:-\s*([^-\s]+)\s*)?$/.exec(text);
  if (!m) return { ok: false, message: `"${text}" is not a port or a range like 40000-40100` };
  const from = parsePort(m[1]!);
  if (!from.ok) return from;
  if (m[2] === undefined) return { ok: true, value: [from.port, from.port] };
  const to = parsePort(m[2]);
  if (!to.ok) return to;
  if (to.port < from.port)
    return { ok: false, message: `range ${from.port}-${to.port} runs backwards: write ${to.port}-${from.port}` };
  return { ok: true, value: [from.port, to.port] };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** `500ms`, `10s`, `2m`, or a bare number of seconds. Bounded so that no wait is unbounded or zero. */
export function parseDuration(
  text: string,
  bounds: { minMs: number; maxMs: number } = { minMs: 50, maxMs: 3_600_000 },
): Parsed<number> {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(text);
  if (!m) return { ok: false, message: `"${text}" is not a duration: write 500ms, 10s or 2m` };
  const ms = Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? 's').toLowerCase()]!);
  if (ms < bounds.minMs || ms > bounds.maxMs) {
    return { ok: false, message: `${text.trim()} is outside ${bounds.minMs} ms to ${bounds.maxMs / 1000} s` };
  }
  return { ok: true, value: ms };
}

export function parseCount(text: string, bounds: { min: number; max: number }): Parsed<number> {
  if (!/^\s*\d+\s*$/.test(text)) return { ok: false, message: `"${text}" is not a whole number` };
  const n = Number(text);
  if (n < bounds.min || n > bounds.max) return { ok: false, message: `${n} is outside ${bounds.min}-${bounds.max}` };
  return { ok: true, value: n };
}

const CHANNELS: readonly Channel[] = ['control', 'passive', 'active', 'tls'];

/** `--require passive,active,tls`: the channels that must work for exit code 0. */
export function parseRequire(text: string): Parsed<Channel[]> {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.length === 0) return { ok: false, message: `name at least one of ${CHANNELS.join(', ')}` };
  const unknown = names.filter((n) => !(CHANNELS as readonly string[]).includes(n));
  if (unknown.length > 0)
    return { ok: false, message: `unknown channel "${unknown[0]}": choose from ${CHANNELS.join(', ')}` };
  return { ok: true, value: CHANNELS.filter((c) => names.includes(c)) };
}

export function parseIpAddress(text: string): Parsed<string> {
  const value = text.trim();
  if (isIP(value) === 0) return { ok: false, message: `"${text}" is not an IPv4 or IPv6 address` };
  return { ok: true, value };
}

/** `--trust-fingerprint`: the SHA-256 fingerprint as ftpdoctor, openssl or FileZilla show it (hex, colons optional). */
export function parseFingerprint(text: string): Parsed<string> {
  const value = normaliseFingerprint(text);
  return value
    ? { ok: true, value }
    : { ok: false, message: `"${text}" is not a SHA-256 fingerprint: 64 hex digits, colons between pairs allowed` };
}
