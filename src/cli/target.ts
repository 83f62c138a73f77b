import { isIP } from 'node:net';

/**
 * What a person typed as the server to check: `host`, `host:port`, `[v6]:port`, a bare IPv6
 * literal, or an `ftp://`, `ftpes://` (explicit TLS) or `ftps://` (implicit TLS) URL.
 * Pure: no DNS, no I/O; the engine resolves the name.
 */
export interface Target {
  host: string;
  port?: number;
  user?: string;
  /** Implied by the URL scheme: ftps:// is implicit TLS (port 990), ftpes:// explicit AUTH TLS (RFC 4217). */
  tls?: 'implicit' | 'explicit';
}

export type TargetResult = { ok: true; target: Target } | { ok: false; message: string };

const SCHEMES: Record<string, Target['tls'] | 'plain'> = { 'ftp:': 'plain', 'ftpes:': 'explicit', 'ftps:': 'implicit' };

/** RFC 1123 host names: letters, digits, hyphens, dots; labels up to 63 characters. Underscores are tolerated (seen in internal DNS). */
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** `lowest` is 0 for a listener, where 0 asks the system for any free port; 1 for a port to connect to. */
export function parsePort(
  text: string,
  lowest: 0 | 1 = 1,
): { ok: true; port: number } | { ok: false; message: string } {
  const hint = lowest === 0 ? '; 0 = any free port' : '';
  if (!/^\d{1,5}$/.test(text))
    return { ok: false, message: `port "${text}" is not a number from ${lowest} to 65535${hint}` };
  const port = Number(text);
  if (port < lowest || port > 65535)
    return { ok: false, message: `port ${port} is out of range (${lowest}-65535${hint})` };
  return { ok: true, port };
}

export function parseTarget(input: string): TargetResult {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'the server to check is empty: give a host name or address' };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) return parseUrl(text, `${scheme[1]!.toLowerCase()}:`);
  return parseHostPort(text, input);
}

/**
 * The URL as it may be repeated in a message: a password in its user info (RFC 3986 §3.2.1, up to
 * the last "@" of the authority) becomes "***", so no refusal echoes it to the terminal or a log.
 */
function withoutPassword(text: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(text);
  if (!m) return text;
  const authority = m[2]!;
  const at = authority.lastIndexOf('@');
  const colon = authority.indexOf(':');
  if (at < 0 || colon < 0 || colon > at) return text;
  return `${m[1]}${authority.slice(0, colon + 1)}***${authority.slice(at)}${m[3]}`;
}

function parseUrl(text: string, protocol: string): TargetResult {
  const shown = withoutPassword(text);
  const kind = SCHEMES[protocol];
  if (kind === undefined) {
    return { ok: false, message: `unsupported scheme "${protocol}//" in "${shown}": use ftp://, ftpes:// or ftps://` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `"${shown}" is not a valid URL` };
  }
  if (url.password !== '') {
    return {
      ok: false,
      message: 'a password in the URL would show in the process list and shell history: use --password-env VAR instead',
    };
  }
  // WHATWG URL keeps the brackets around IPv6 literals and lowercases names.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const checked = checkHost(host, shown);
  if (!checked.ok) return checked;
  const target: Target = { host };
  if (url.port !== '') {
    const port = parsePort(url.port);
    if (!port.ok) return port;
    target.port = port.port;
  }
  if (url.username !== '') {
    const user = decodeUserName(url.username);
    if (user === undefined)
      return { ok: false, message: `the user name in "${shown}" has a broken %-escape (write %25 for a literal %)` };
    target.user = user;
  }
  if (kind !== 'plain') target.tls = kind;
  return { ok: true, target };
}

/** RFC 3986 §2.1 percent-decoding; undefined for a stray "%" that starts no valid escape. */
function decodeUserName(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function parseHostPort(text: string, original: string): TargetResult {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    const host = bracketed[1]!;
    if (isIP(host) !== 6) return { ok: false, message: `"[${host}]" is not an IPv6 address` };
    return withPort(host, bracketed[2]);
  }
  if (text.includes('[') || text.includes(']')) {
    return { ok: false, message: `"${original}" has unbalanced brackets: write IPv6 with a port as [2001:db8::1]:21` };
  }
  const colons = text.split(':').length - 1;
  // Two or more colons can only be a bare IPv6 literal: a port cannot be told apart from the last group.
  if (colons >= 2) {
    if (isIP(text) === 6) return { ok: true, target: { host: text } };
    return { ok: false, message: `"${original}" is not an IPv6 address; with a port, write [address]:port` };
  }
  if (colons === 1) {
    const at = text.lastIndexOf(':');
    return withPort(text.slice(0, at), text.slice(at + 1));
  }
  return withPort(text, undefined);
}

function withPort(host: string, portText: string | undefined): TargetResult {
  const checked = checkHost(host, host);
  if (!checked.ok) return checked;
  if (portText === undefined) return { ok: true, target: { host } };
  if (portText === '') return { ok: false, message: `no port after "${host}:"` };
  const port = parsePort(portText);
  if (!port.ok) return port;
  return { ok: true, target: { host, port: port.port } };
}

function checkHost(host: string, context: string): { ok: true } | { ok: false; message: string } {
  if (host === '') return { ok: false, message: `no host name in "${context}"` };
  if (isIP(host) !== 0) return { ok: true };
  if (/^[\d.]+$/.test(host)) return { ok: false, message: `"${host}" is not a valid IPv4 address` };
  if (!HOSTNAME.test(host)) return { ok: false, message: `"${host}" is not a valid host name` };
  return { ok: true };
}
