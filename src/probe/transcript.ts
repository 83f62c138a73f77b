import type { TranscriptLine } from '../observation/index.js';

/** Commands whose argument is a secret: RFC 959 PASS and ACCT. */
const SECRET_COMMAND = /^(PASS|ACCT)(\s|$)/i;

/** At most this many lines are kept; a hostile server cannot grow the log without bound. */
export const MAX_TRANSCRIPT_LINES = 4000;

/**
 * The timestamped control-channel transcript. Secrets are replaced before a line is ever stored,
 * so no later step (report, event, snapshot) can leak them.
 */
export class Transcript {
  readonly lines: TranscriptLine[] = [];
  private dropped = 0;

  constructor(
    private readonly startedAt: number,
    private readonly onLine: (line: TranscriptLine) => void,
  ) {}

  sent(command: string): void {
    const m = SECRET_COMMAND.exec(command);
    this.add('sent', m ? `${m[1]} ***` : command);
  }

  received(text: string): void {
    this.add('received', text);
  }

  note(text: string): void {
    this.add('note', text);
  }

  private add(dir: TranscriptLine['dir'], text: string): void {
    if (this.lines.length >= MAX_TRANSCRIPT_LINES - 1) {
      this.dropped += 1;
      const summary: TranscriptLine = {
        t: this.now(),
        dir: 'note',
        text: `transcript capped: ${this.dropped} later lines not kept`,
        channel: 'control',
      };
      if (this.lines.length === MAX_TRANSCRIPT_LINES) this.lines[MAX_TRANSCRIPT_LINES - 1] = summary;
      else this.lines.push(summary);
      return;
    }
    const line: TranscriptLine = { t: this.now(), dir, text, channel: 'control' };
    this.lines.push(line);
    this.onLine(line);
  }

  private now(): number {
    return Math.round(performance.now() - this.startedAt);
  }
}
