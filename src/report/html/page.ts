import { CHANNELS, sweepAsDiagnosed } from '../../diagnosis/index.js';
import { addressRows, addressSummary, CELL_LOOK, transcriptRows } from '../../views/index.js';
import type { Report } from '../report-type.js';
import { OUTCOME_SYMBOL, OUTCOME_WORDS, hangLine } from '../client-table.js';
import { ACTOR_WORDS, isRequired, targetLine, VERDICT_WORDS, WHERE_WORDS } from '../report-words.js';
import { ticketFacts } from '../ticket-header.js';
import { escapeHtml as e, jsonForScript } from './escape.js';
import { PAGE_CSS, PAGE_SCRIPT, scriptHash } from './page-assets.js';
import { pathSvg } from './path-drawing.js';
import { CELL_FILL, rangeMapSvg } from './range-map-svg.js';

/**
 * The report as one self-contained HTML file for a ticket: verdict and advice first, the picture
 * of the path, the range map, the findings with copyable allow-rules, the client table, the
 * ticket facts, the transcript; the JSON report embedded so the file alone is enough. Every
 * string from the report is escaped; the only script is the copy button's, allowed by hash.
 */

const VERDICT_SYMBOL: Record<Report['verdict'], string> = { ok: '✔', problems: '▲', blocked: '✘', error: '!' };
const STATUS_SYMBOL = { ok: '✔', partial: '!', blocked: '✘', error: '?', skipped: '–' } as const;
const MAX_TRANSCRIPT = 2000;

function channelTable(report: Report): string {
  const rows = CHANNELS.map((c) => {
    const v = report.channels[c];
    return `<tr data-channel="${c}"><td>${c}${isRequired(report, c) ? ' <small>(required)</small>' : ''}</td><td class="status s-${v.status}">${STATUS_SYMBOL[v.status]} ${v.status}</td><td>${e(v.summary)}</td></tr>`;
  });
  return `<table class="channels"><thead><tr><th>Channel</th><th>Status</th><th>Why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Every address of the server and each family, when the check had several (ADDRESS_SUBSET_BLOCKED and friends). */
function addressSection(report: Report): string {
  const summary = addressSummary(report.observations);
  if (!summary) return '';
  const rows = addressRows(report.observations).map(
    (r) =>
      `<tr data-address="${e(r.address)}"><td>${e(r.address)}${r.chosen ? ' <small>(checked)</small>' : ''}</td><td>IPv${r.family}</td><td class="status s-${r.answers ? 'ok' : 'blocked'}">${r.answers ? '✔ answers' : '✘ fails'}</td><td>${e(r.outcome)}</td></tr>`,
  );
  return `<h2>Server addresses</h2><p>${e(summary)}</p><table class="channels"><thead><tr><th>Address</th><th>Family</th><th>Control</th><th>Outcome</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function rangeSection(report: Report): string {
  const s = report.sweep;
  if (!s.performed)
    return `<p>The passive range was not swept (${s.mode === 'off' ? '--sweep off' : 'the run did not get that far'}).</p>`;
  const legend = (Object.keys(CELL_LOOK) as Array<keyof typeof CELL_LOOK>)
    .map(
      (st) =>
        `<span><i style="background:${CELL_FILL[st]}"></i>${e(CELL_LOOK[st].symbol)} ${e(CELL_LOOK[st].label)}</span>`,
    )
    .join('');
  const counts = Object.entries(s.counts)
    .map(([st, n]) => `${n} ${st}`)
    .join(', ');
  // A reset from a port the check itself had reached is the server's listener gone, not a firewall:
  // the map reads the sweep as the diagnosis did, so it never shows a block the findings deny.
  const { svg, portsPerCell } = rangeMapSvg(s, sweepAsDiagnosed(report.observations)?.runs ?? s.runs);
  return `<p>${e(`${s.portsTested} ports tested on ${s.address ?? report.target.used ?? report.target.host} (${s.mode} sweep${s.complete === false ? ', incomplete' : ''}): ${counts}. One cell per ${portsPerCell === 1 ? 'port' : `${portsPerCell} ports`}, showing the most alarming state among them; blocked stretches are outlined, numbered and listed.`)}</p>${svg}<div class="legend">${legend}</div>`;
}

function clientSection(report: Report): string {
  const c = report.clients;
  if (!c) return '<p>This report was written by an ftpdoctor without the client table.</p>';
  const hang = hangLine(report);
  const rows = c.clients.map(
    (v) =>
      `<tr data-client="${v.client}" data-outcome="${v.outcome}"><td>${e(v.name)}</td><td class="outcome o-${v.outcome}">${OUTCOME_SYMBOL[v.outcome]} ${e(OUTCOME_WORDS[v.outcome])}</td><td>${e(v.why)}${v.setting ? `<br><b>Setting:</b> <code>${e(v.setting)}</code>` : ''}<details class="sources"><summary>Sources</summary>${v.sources.map((x) => `<p>${e(x)}</p>`).join('')}</details></td></tr>`,
  );
  return `${hang ? `<p class="hang">▲ ${e(hang)}</p>` : ''}<table class="clients"><thead><tr><th>Client</th><th>Result</th><th>Why (and the setting that makes it work)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function findingsSection(report: Report): string {
  if (report.findings.length === 0) return '<p>✔ No findings: nothing in the way.</p>';
  let example = 0;
  return report.findings
    .map((f) => {
      const examples = f.examples
        .map((x) => {
          const id = `example-${example++}`;
          return `<div class="example"><b>${e(x.system)}</b><button type="button" class="copy" data-copy="${id}">Copy</button><pre id="${id}">${e(x.text)}</pre></div>`;
        })
        .join('');
      return `<section class="finding sev-${f.severity}" data-code="${f.code}"><h3>${f.severity === 'error' ? '✘' : f.severity === 'warning' ? '▲' : 'i'} ${e(f.severity.toUpperCase())} <code>${f.code}</code> (${f.channel}): ${e(f.title)}</h3>${f.rule ? `<p><b>Rule:</b> ${e(f.rule)}</p>` : ''}<p><b>Where:</b> ${e(WHERE_WORDS[f.where])} · <b>Who acts:</b> ${e(ACTOR_WORDS[f.actor])}</p><details><summary>Evidence (${f.evidence.length})</summary><ul>${f.evidence.map((x) => `<li>${e(x.fact)} <code>${e(x.ref)}</code></li>`).join('')}</ul></details>${f.fix.length ? `<p><b>Fix:</b></p><ol>${f.fix.map((x) => `<li>${e(x)}</li>`).join('')}</ol>` : ''}${examples}</section>`;
    })
    .join('');
}

function ticketSection(report: Report): string {
  const rows = ticketFacts(report).map(
    ({ label, value }) =>
      `<tr><th>${e(label)}</th><td>${label === 'Command' ? `<code>${e(value)}</code>` : e(value)}</td></tr>`,
  );
  rows.push(
    `<tr><th>Ended (UTC)</th><td>${e(report.endedAt)} (${e(report.timings.totalMs)} ms${report.complete ? '' : ', incomplete run'})</td></tr>`,
  );
  return `<table class="ticket">${rows.join('')}</table>`;
}

function transcriptSection(report: Report): string {
  const lines = transcriptRows(report.transcript, MAX_TRANSCRIPT);
  return `<details class="transcript"><summary>Control connection transcript (${report.transcript.length} lines, password redacted)</summary><pre>${e(lines.join('\n') || '(empty)')}</pre></details>`;
}

export function renderHtml(report: Report): string {
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '${scriptHash(PAGE_SCRIPT)}'; base-uri 'none'; form-action 'none'`;
  const title = `ftpdoctor: ${VERDICT_WORDS[report.verdict]} — ${targetLine(report)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header class="verdict ${report.verdict}" data-verdict="${report.verdict}">
<div><span class="word">${VERDICT_SYMBOL[report.verdict]} ${e(VERDICT_WORDS[report.verdict])}</span> — ${e(targetLine(report))}</div>
<p class="recommendation">${e(report.recommendation)}</p>
${report.complete ? '' : `<p>▲ Incomplete run${report.abortReason ? ` (stopped by ${e(report.abortReason)})` : ''}.</p>`}
</header>
<h2>The path</h2>
${pathSvg(report)}
${channelTable(report)}
${addressSection(report)}
<h2>Passive port range</h2>
${rangeSection(report)}
<h2>Findings</h2>
${findingsSection(report)}
<h2>Will my client work?</h2>
${clientSection(report)}
<h2>For the support ticket</h2>
${ticketSection(report)}
${transcriptSection(report)}
<p class="sources">The full JSON report is embedded in this file (script element with id "ftpdoctor-report").</p>
<script type="application/json" id="ftpdoctor-report">${jsonForScript(report)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
