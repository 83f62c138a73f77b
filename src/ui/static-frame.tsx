import { stripVTControlCharacters } from 'node:util';
import { renderToString } from 'ink';
import type { Report } from '../report/report-type.js';
import { LiveApp } from './LiveApp.js';
import { uiStateFromReport } from './replay-report.js';

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
