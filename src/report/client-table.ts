import type { ClientOutcome } from '../diagnosis/index.js';
import type { Report } from './report-type.js';
import { wrapText } from './ticket-header.js';

/** The "will my client work?" table in words shared by the text and markdown views. */

export const OUTCOME_WORDS: Record<ClientOutcome, string> = {
  works: 'works',
  'works-with-setting': 'works with a setting',
  unreliable: 'works sometimes',
  'will-not-work': 'will not work',
  unknown: 'not known',
};

/** Symbols read without colour, as in the live view. */
export const OUTCOME_SYMBOL: Record<ClientOutcome, string> = {
  works: '✔',
  'works-with-setting': '⚙',
  unreliable: '!',
  'will-not-work': '✘',
  unknown: '?',
};

export function hangLine(report: Report): string | undefined {
  const h = report.clients?.passiveHang;
  if (!h) return undefined;
  return `${h.blockedPorts.toLocaleString('en-US')} of ${h.testedPorts.toLocaleString('en-US')} passive ports are blocked${h.estimate ? ' (from a sample)' : ''}; the server picks one at random per transfer, so ${h.words} will hang, and a retry "fixes" it by chance.`;
}

/** Plain text, no line wider than `width`. */
export function clientTableText(report: Report, width = 100): string[] {
  const clients = report.clients?.clients;
  if (!clients) return [];
  const out = ['Will my client work?'];
  const hang = hangLine(report);
  if (hang) out.push(...wrapText(hang, width - 2).map((l) => `  ${l}`));
  for (const c of clients) {
    out.push(`  ${OUTCOME_SYMBOL[c.outcome]} ${c.name}: ${OUTCOME_WORDS[c.outcome]}`);
    out.push(...wrapText(c.why, width - 6).map((l) => `      ${l}`));
    if (c.setting) out.push(...wrapText(`Setting: ${c.setting}`, width - 6).map((l) => `      ${l}`));
  }
  return out;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function clientTableMarkdown(report: Report): string[] {
  const clients = report.clients?.clients;
  if (!clients) return [];
  const out = ['### Will my client work?', ''];
  const hang = hangLine(report);
  if (hang) out.push(`**${cell(hang)}**`, '');
  out.push('| Client | Result | Why | Setting |', '|---|---|---|---|');
  for (const c of clients)
    out.push(
      `| ${cell(c.name)} | ${OUTCOME_SYMBOL[c.outcome]} ${OUTCOME_WORDS[c.outcome]} | ${cell(c.why)} | ${c.setting ? `\`${cell(c.setting).replace(/`/g, "'")}\`` : ''} |`,
    );
  out.push('', "<details><summary>Sources for each client's behaviour</summary>", '');
  for (const c of clients) out.push(`- **${cell(c.name)}:** ${c.sources.map(cell).join('; ')}`);
  out.push('', '</details>');
  return out;
}
