import type { TranscriptLine } from '../observation/index.js';

/** Commands whose argument is a secret: RFC 959 PASS and ACCT. */
const SECRET_COMMAND = /^(PASS|ACCT)(\s|$)/i;

/** At most this many lines are kept; a hostile server cannot grow the log without bound. */
export const MAX_TRANSCRIPT_LINES = 4000;

/** One control session's view of the transcript: every line it writes carries the session's number. */
export interface SessionTranscript {
  readonly session: number;
  sent(command: string): void;
  received(text: string): void;
  note(text: string): void;
}

/**
 * The timestamped control-channel transcript. Secrets are replaced before a line is ever stored,
 * so no later step (report, event, snapshot) can leak them.
 */
export class Transcript {
  readonly lines: TranscriptLine[] = [];
  private dropped = 0;
  private sessions = 0;

  constructor(
    private readonly startedAt: number,
    private readonly onLine: (line: TranscriptLine) => void,
  ) {}

  /** The next control session's numbered view (sessions are numbered in the order they open). */
  forSession(): SessionTranscript {
    const session = ++this.sessions;
    return {
      session,
      sent: (command) => this.sent(command, session),
      received: (text) => this.received(text, session),
      note: (text) => this.note(text, session),
    };
  }

  sent(command: string, session?: number): void {
    const m = SECRET_COMMAND.exec(command);
    this.add('sent', m ? `${m[1]} ***` : command, session);
  }

  received(text: string, session?: number): void {
    this.add('received', text, session);
  }

  note(text: string, session?: number): void {
    this.add('note', text, session);
  }

  private add(dir: TranscriptLine['dir'], text: string, session: number | undefined): void {
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
    const line: TranscriptLine = {
      t: this.now(),
      dir,
      text,
      channel: 'control',
      ...(session === undefined ? {} : { session }),
    };
    this.lines.push(line);
    this.onLine(line);
  }

  private now(): number {
    return Math.round(performance.now() - this.startedAt);
  }
}
