import type { Actor, Channel, Where } from '../diagnosis/index.js';
import { endpoint, rangeText, rangesText } from '../ftp/index.js';
import type { Report } from './report-type.js';

/** Words shared by the text and markdown renderings, so both say the same thing. */

export const WHERE_WORDS: Record<Where, string> = {
  'this-computer': 'this computer',
  path: 'between you and the server',
  'server-side': 'the server side',
  unknown: 'not determined',
};

export const ACTOR_WORDS: Record<Actor, string> = {
  you: 'you',
  'network-admin': 'your network admin',
  'server-admin': "the server's admin",
};

export const VERDICT_WORDS: Record<Report['verdict'], string> = {
  ok: 'OK',
  problems: 'PROBLEMS',
  blocked: 'BLOCKED',
  error: 'COULD NOT CHECK',
};

/** Control is needed by every other channel, so it is always required. */
export function isRequired(report: Report, channel: Channel): boolean {
  return channel === 'control' || report.required.includes(channel);
}

export function targetLine(report: Report): string {
  const used = report.target.used && report.target.used !== report.target.host ? ` (${report.target.used})` : '';
  return `${endpoint(report.target.host, report.target.port)}${used}`;
}

/** "pyftpdlib 1.5.7 (greeting: 220 pyftpdlib 1.5.7 ready.)", or undefined when not recognised. */
export function softwareLine(report: Report): string | undefined {
  const sw = report.target.software;
  if (!sw) return undefined;
  const how = sw.confidence === 'named' ? '' : 'recognised by ';
  return `${sw.label}${sw.version ? ` ${sw.version}` : ''} (${how}${sw.evidence.join('; ')})`;
}

/** "60000–62999 open, 63000–65535 no-answer", shortened after `max` runs. */
export function sweepLine(report: Report, max = 12): string {
  const s = report.sweep;
  if (!s.performed) return `not run (${s.mode === 'off' ? '--sweep off' : 'the run did not get that far'})`;
  const runs = s.runs.slice(0, max).map((r) => `${rangeText(r.from, r.to)} ${r.state}`);
  const more = s.runs.length > max ? `, … ${s.runs.length - max} more runs` : '';
  const counts = Object.entries(s.counts)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  return `${rangesText(s.ranges)} on ${s.address} (${s.mode}, ${s.portsTested} ports${counts ? `: ${counts}` : ''}${s.complete === false ? ', incomplete' : ''}): ${runs.join(', ')}${more}`;
}
