import type { Reply, ServerView } from '../observation/index.js';
import { isIP } from 'node:net';

/**
 * Readers for the reference server's probe extensions (SITE FTPDOCTOR …, advertised in FEAT as
 * "FTPDOCTOR PEER;LASTPORT;LASTPASV;SWEEP", RFC 2389 §3.2 feature lines). Pure: reply in, facts out.
 */

export const EXTENSION_FEATURE = 'FTPDOCTOR';

/** FEAT lines (RFC 2389 §3.2: each feature on its own line, indented by one space) without the 211 framing. */
export function parseFeatures(reply: Reply): string[] {
  if (reply.code !== 211) return [];
  const lines = reply.text.split('\n');
  return lines
    .slice(1, lines.length > 1 ? -1 : undefined)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^211[ -]/.test(line));
}

export function offersExtensions(features: string[]): boolean {
  return features.some((f) => f.toUpperCase().split(/\s+/)[0] === EXTENSION_FEATURE);
}

/** "200 PEER <address> <port>" */
export function parsePeerReply(reply: Reply): ServerView['peer'] {
  const m = /^PEER\s+(\S+)\s+(\d{1,5})\s*$/i.exec(replyBody(reply));
  if (reply.code !== 200 || !m?.[1] || !m[2] || isIP(m[1]) === 0) return undefined;
  return { address: m[1], port: Number(m[2]) };
}

/** "200 SWEEP <serverId> <from>-<to>[,<from>-<to>…]"; a 550 means sweep mode is off. */
export function parseSweepReply(reply: Reply): ServerView['sweep'] {
  const m = /^SWEEP\s+(\S+)\s+(\d+-\d+(?:,\d+-\d+)*)\s*$/i.exec(replyBody(reply));
  if (reply.code !== 200 || !m?.[1] || !m[2]) return undefined;
  const ranges = m[2].split(',').map((r) => r.split('-').map(Number) as [number, number]);
  if (ranges.some(([from, to]) => !(from >= 1 && to <= 65535 && from <= to))) return undefined;
  return { serverId: m[1], ranges };
}

/** "200 LASTPORT <argument>" / "200 LASTPASV <reply text>": the rest of the line, verbatim. */
export function parseLastReply(reply: Reply, keyword: 'LASTPORT' | 'LASTPASV'): string | undefined {
  if (reply.code !== 200) return undefined;
  const body = replyBody(reply);
  const prefix = `${keyword} `;
  return body.toUpperCase().startsWith(prefix) ? body.slice(prefix.length) : undefined;
}

/** The text after the reply code of a single-line reply. */
function replyBody(reply: Reply): string {
  const first = reply.text.split('\n')[0] ?? '';
  return first.replace(/^\d{3}[ -]?/, '');
}
