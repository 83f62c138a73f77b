import { CATALOGUE, type CatalogueEntry } from '../diagnosis/index.js';

/** `ftpdoctor explain CODE` and `explain --list`, as plain text. */

export function renderExplanation(entry: CatalogueEntry): string {
  return [
    `${entry.code}: ${entry.title}`,
    '',
    `What it means: ${entry.meaning}`,
    `Typical cause: ${entry.typicalCause}`,
    entry.firewall ? 'Firewall-related: yes.' : 'Firewall-related: no — this is not a firewall problem.',
    '',
    'How to fix:',
    ...entry.fix.map((f, i) => `  ${i + 1}. ${f}`),
    '',
  ].join('\n');
}

export function renderCatalogueList(): string {
  const width = Math.max(...CATALOGUE.map((e) => e.code.length));
  return `${CATALOGUE.map((e) => `${e.code.padEnd(width)}  ${e.title}`).join('\n')}\n`;
}
