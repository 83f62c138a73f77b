import type { Report } from '../report/index.js';
import { LiveApp, initialUiState, reduceUi, type UiAction, type UiState } from '../ui/index.js';
import { stripVTControlCharacters } from 'node:util';
import { renderToString } from 'ink';

/** The live view's last frame for a saved report, as text (escape codes only when `colour`). */
export function liveFrame(report: Report, opts: { colour: boolean; width?: number }): string {
  const width = opts.width ?? 80;
  const frame = renderToString(
    <LiveApp
      state={uiStateFromReport(report)}
      width={width}
      colour={opts.colour}
      keys={false}
      onQuit={() => undefined}
      onToggleTranscript={() => undefined}
    />,
    { columns: width },
  );
  // Without colour, no escape code at all (bold and dim too): the frame goes to a pipe, a file or a ticket.
  return `${opts.colour ? frame : stripVTControlCharacters(frame)}\n`;
}

/**
 * A saved report replayed through the live view's own reducer: the steps as they ended, the
 * sweep, the final diagnosis and the client table. The last frame the customer saw is rendered
 * from the same state, so a support engineer sees the same screen (`ftpdoctor report --format live`).
 */
export function uiStateFromReport(report: Report): UiState {
  const log = report.observations;
  const actions: UiAction[] = [
    { type: 'run-start', at: report.startedAt, host: report.target.host, port: report.target.port },
    ...report.timings.steps.map((step): UiAction => ({ type: 'step-end', step, log })),
    ...report.transcript.map((line): UiAction => ({ type: 'transcript', line })),
    { type: 'run-end', log },
    {
      type: 'diagnosis',
      final: true,
      diagnosis: {
        required: report.required,
        channels: report.channels,
        findings: report.findings,
        verdict: report.verdict,
        recommendation: report.recommendation,
      },
    },
  ];
  if (report.clients) actions.push({ type: 'clients', clients: report.clients });
  return actions.reduce(reduceUi, initialUiState(report.options));
}
