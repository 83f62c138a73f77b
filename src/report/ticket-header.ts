import type { Report } from './report-type.js';
import { softwareLine } from './report-words.js';

/**
 * What a hosted-FTP support team asks for before anything else: when (UTC), from where (the public
 * address the server saw), to which of their addresses, with which tool and command. Every view
 * shows the same facts, in this order.
 */
export interface TicketFact {
  label: string;
  value: string;
}

function addressesTried(report: Report): string {
  const all = report.target.addresses.map((a) => a.address);
  if (all.length === 0) return report.target.used ?? 'none (the name did not resolve)';
  return all.map((a) => (a === report.target.used ? `${a} (used)` : a)).join(', ');
}

export function ticketFacts(report: Report): TicketFact[] {
  return [
    { label: 'Started (UTC)', value: report.startedAt },
    {
      label: 'Tool',
      value: `ftpdoctor ${report.tool.version} (${report.environment.os}, Node ${report.environment.node})`,
    },
    { label: 'Target', value: `${report.target.host}:${report.target.port}, TLS ${report.target.tls}` },
    { label: 'Server', value: softwareLine(report) ?? 'not recognised from its greeting, SYST and FEAT' },
    { label: 'Addresses', value: addressesTried(report) },
    {
      label: 'Seen as',
      value: report.environment.externalAddress ?? 'unknown (only the reference server reports the address it sees)',
    },
    { label: 'Command', value: report.commandLine.join(' ') || '(none)' },
  ];
}

/** Breaks text into lines of at most `width` characters at spaces; a longer word stays whole. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** "Label:      value", wrapped under the value's column, no line wider than `width`. */
export function ticketHeaderText(report: Report, width = 100): string[] {
  const pad = 15;
  return ticketFacts(report).flatMap(({ label, value }) =>
    wrapText(value, width - pad).map((l, i) => `${i === 0 ? `${label}:`.padEnd(pad) : ' '.repeat(pad)}${l}`),
  );
}
