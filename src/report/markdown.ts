import { CHANNELS } from '../diagnosis/index.js';
import {
  addressRows,
  addressSummary,
  calibrationWords,
  idleLines,
  parallelLines,
  transcriptRows,
  transferHeading,
  transferLines,
} from '../views/index.js';
import { clientTableMarkdown } from './client-table.js';
import type { Report } from './report-type.js';
import { ACTOR_WORDS, isRequired, sweepLine, targetLine, VERDICT_WORDS, WHERE_WORDS } from './report-words.js';
import { ticketFacts } from './ticket-header.js';

/** A paste-ready ticket summary (GitHub-flavoured Markdown). */

const MAX_TRANSCRIPT = 200;

/** Text inside a table cell or inline: pipes and newlines would break the table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fence(text: string, lang = ''): string {
  const ticks = /```/.test(text) ? '~~~~' : '```';
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(`## ftpdoctor: ${VERDICT_WORDS[report.verdict]} — ${targetLine(report)}`, '');
  out.push(`**${report.recommendation}**`, '');
  out.push(
    `- Checked: ${report.startedAt} → ${report.endedAt} (${report.timings.totalMs} ms)${report.complete ? '' : ' — incomplete run'}`,
  );
  for (const { label, value } of ticketFacts(report).slice(1))
    out.push(`- ${label}: ${label === 'Command' ? `\`${value.replace(/`/g, "'")}\`` : value}`);
  out.push('', '| Channel | Required | Status | Why |', '|---|---|---|---|');
  for (const c of CHANNELS) {
    const v = report.channels[c];
    out.push(`| ${c} | ${isRequired(report, c) ? 'yes' : ''} | **${v.status}** | ${cell(v.summary)} |`);
  }
  out.push('', `**Passive range sweep:** ${cell(sweepLine(report, 20))}`, '');
  const calibration = report.sweep.calibration;
  if (calibration) out.push(`**Sweep calibration:** ${cell(calibrationWords(calibration))}`, '');
  const addresses = addressSummary(report.observations);
  if (addresses) {
    out.push(`**Addresses:** ${cell(addresses)}`, '', '| Address | IPv | Answers | Outcome |', '|---|---|---|---|');
    for (const r of addressRows(report.observations))
      out.push(
        `| ${r.address}${r.chosen ? ' (checked)' : ''} | ${r.family} | ${r.answers ? 'yes' : '**no**'} | ${cell(r.outcome)} |`,
      );
    out.push('');
  }
  const transfers = report.observations.transfers;
  if (transfers)
    out.push(`**${transferHeading(transfers)}:**`, '', ...transferLines(transfers).map((l) => `- ${l}`), '');
  const sessionLines = [
    ...(report.observations.parallel ? parallelLines(report.observations.parallel) : []),
    ...idleLines(report.observations),
  ];
  if (sessionLines.length)
    out.push(...sessionLines.map((l) => (l.startsWith('  ') ? `- ${l.trim()}` : `**${l}**`)), '');
  out.push(...clientTableMarkdown(report), '');
  out.push(report.findings.length ? '### Findings' : '### Findings\n\nNone.');
  for (const f of report.findings) {
    out.push('', `#### ${f.severity.toUpperCase()} \`${f.code}\` (${f.channel}): ${f.title}`, '');
    if (f.rule) out.push(`**Rule:** ${f.rule}`, '');
    out.push(`**Where:** ${WHERE_WORDS[f.where]} · **Who acts:** ${ACTOR_WORDS[f.actor]}`, '', '**Evidence:**');
    for (const e of f.evidence) out.push(`- ${e.fact} (\`${e.ref}\`)`);
    if (f.fix.length) {
      out.push('', '**Fix:**');
      f.fix.forEach((step, i) => out.push(`${i + 1}. ${step}`));
    }
    for (const ex of f.examples) out.push('', `*${ex.system}:*`, '', fence(ex.text));
  }
  const lines = transcriptRows(report.transcript, MAX_TRANSCRIPT);
  out.push(
    '',
    '<details><summary>Control connection transcript (password redacted)</summary>',
    '',
    fence(lines.join('\n') || '(empty)'),
    '',
    '</details>',
  );
  return `${out.join('\n')}\n`;
}
