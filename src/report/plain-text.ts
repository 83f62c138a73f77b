import { CHANNELS } from '../diagnosis/index.js';
import {
  addressRows,
  addressSummary,
  calibrationWords,
  idleLines,
  parallelLines,
  transferHeading,
  transferLines,
} from '../views/index.js';
import { clientTableText } from './client-table.js';
import type { Report } from './report-type.js';
import { ACTOR_WORDS, isRequired, sweepLine, targetLine, VERDICT_WORDS, WHERE_WORDS } from './report-words.js';
import { ticketHeaderText } from './ticket-header.js';

/**
 * The human summary for pipes, logs and terminals without a live view: plain text, no ANSI codes,
 * the verdict first, then channels, then findings most severe first with the rule and the fix.
 */

const MAX_EVIDENCE = 4;
const WIDTH = 100;

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

export function renderText(report: Report): string {
  const out: string[] = [];
  out.push(`ftpdoctor ${report.tool.version} — ${targetLine(report)}`);
  out.push(`Verdict: ${VERDICT_WORDS[report.verdict]} — ${report.recommendation}`);
  if (!report.complete) out.push(`(incomplete run${report.abortReason ? `: stopped by ${report.abortReason}` : ''})`);
  out.push('', ...ticketHeaderText(report, WIDTH));
  out.push('', 'Channels:');
  for (const c of CHANNELS) {
    const v = report.channels[c];
    const req = isRequired(report, c) ? '*' : ' ';
    out.push(`  ${req}${c.padEnd(8)} ${v.status.padEnd(8)} ${v.summary}`);
  }
  out.push('  (* required)', '', `Sweep: ${sweepLine(report)}`);
  const calibration = report.sweep.calibration;
  if (calibration) out.push(`  calibrated: ${calibrationWords(calibration)}`);
  const addresses = addressSummary(report.observations);
  if (addresses) {
    out.push('', `Addresses: ${addresses}`);
    for (const r of addressRows(report.observations))
      out.push(`  ${r.chosen ? '*' : ' '}${r.address.padEnd(40)} ${r.answers ? 'answers' : 'FAILS  '} ${r.outcome}`);
    out.push('  (* the full check ran on it)');
  }
  const transfers = report.observations.transfers;
  if (transfers) out.push('', `${transferHeading(transfers)}:`, ...transferLines(transfers).map((l) => `  ${l}`));
  if (report.observations.parallel) out.push('', ...parallelLines(report.observations.parallel));
  const idle = idleLines(report.observations);
  if (idle.length) out.push('', ...idle);
  const clients = clientTableText(report, WIDTH);
  if (clients.length) out.push('', ...clients);
  if (report.findings.length === 0) out.push('', 'Findings: none');
  else out.push('', 'Findings (most severe first):');
  for (const f of report.findings) {
    out.push('', `[${f.severity.toUpperCase()}] ${f.code} (${f.channel}): ${f.title}`);
    if (f.rule) out.push(`  Rule: ${f.rule}`);
    out.push(`  Where: ${WHERE_WORDS[f.where]}. Who acts: ${ACTOR_WORDS[f.actor]}.`);
    out.push('  Evidence:');
    for (const e of f.evidence.slice(0, MAX_EVIDENCE)) out.push(`    - ${e.fact}`);
    if (f.evidence.length > MAX_EVIDENCE)
      out.push(`    - … ${f.evidence.length - MAX_EVIDENCE} more in the JSON report`);
    if (f.fix.length) {
      out.push('  Fix:');
      f.fix.forEach((step, i) => out.push(`    ${i + 1}. ${step}`));
    }
    for (const ex of f.examples) out.push(`  Example (${ex.system}):`, indent(ex.text, '    '));
  }
  out.push('', `Explain a code: ftpdoctor explain CODE. Full details: --json or --output FILE.`);
  return `${fitWidth(out).join('\n')}\n`;
}

/**
 * Paste-ready: no line wider than WIDTH, continuation lines indented under their first. Example
 * commands are left whole, since a broken command line does not paste.
 */
function fitWidth(lines: string[]): string[] {
  let inExample = false;
  return lines.flatMap((line) => {
    if (/^ {2}Example \(/.test(line)) inExample = true;
    else if (!line.startsWith('    ')) inExample = false;
    if (inExample || line.length <= WIDTH) return [line];
    const pad = ' '.repeat(/^ */.exec(line)![0].length + 2);
    const out: string[] = [];
    let rest = line;
    while (rest.length > WIDTH) {
      const cut = rest.lastIndexOf(' ', WIDTH);
      if (cut <= pad.length) break;
      out.push(rest.slice(0, cut));
      rest = pad + rest.slice(cut + 1).trimStart();
    }
    return [...out, rest];
  });
}
