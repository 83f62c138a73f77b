import { describe, expect, it } from 'vitest';
import type { TranscriptLine } from '../../src/observation/index.js';
import { Transcript } from '../../src/probe/transcript.js';
import { transcriptRows } from '../../src/views/index.js';

describe('transcript sessions', () => {
  it('numbers each session in the order it opens; a line about the check as a whole has none', () => {
    const transcript = new Transcript(performance.now(), () => undefined);
    const first = transcript.forSession();
    const second = transcript.forSession();
    first.sent('PASV');
    second.sent('PASS secret');
    transcript.note('the server did not accept another session');
    first.received('227 Entering Passive Mode (127,0,0,1,234,96).');
    expect(transcript.lines.map((l) => [l.session, l.dir, l.text])).toEqual([
      [1, 'sent', 'PASV'],
      [2, 'sent', 'PASS ***'],
      [undefined, 'note', 'the server did not accept another session'],
      [1, 'received', '227 Entering Passive Mode (127,0,0,1,234,96).'],
    ]);
  });

  const line = (t: number, dir: TranscriptLine['dir'], text: string, session?: number): TranscriptLine => ({
    t,
    dir,
    text,
    channel: 'control',
    ...(session === undefined ? {} : { session }),
  });

  it('shows the session on each row where several sessions interleave', () => {
    const rows = transcriptRows(
      [
        line(5, 'sent', 'EPSV', 1),
        line(6, 'sent', 'EPSV', 12),
        line(7, 'note', 'one session refused'),
        line(9, 'received', '229 ok', 1),
      ],
      10,
    );
    expect(rows).toEqual([
      '     5  [1] > EPSV',
      '     6 [12] > EPSV',
      '     7      # one session refused',
      '     9  [1] < 229 ok',
    ]);
  });

  it('leaves the session out where one session wrote every line, and counts what it cut', () => {
    const rows = transcriptRows(
      [line(1, 'sent', 'NOOP', 1), line(2, 'received', '200 ok', 1), line(3, 'note', 'x')],
      2,
    );
    expect(rows).toEqual(['     1 > NOOP', '     2 < 200 ok', '… 1 more lines in the JSON report']);
  });
});
