import { describe, expect, it } from 'vitest';
import { ReplyParser, type ParsedItem, type ReplyParserLimits } from '../../src/ftp/reply-parser.js';

type Summary = string;

/** One line per item: "reply 220 |text|", "garbage |line|", "too-long 211", with flags. */
function summarize(items: ParsedItem[]): Summary[] {
  return items.map((item) => {
    if (item.kind === 'reply') {
      const flags = [item.reply.truncated ? 'truncated' : '', item.unterminated ? 'unterminated' : '']
        .filter(Boolean)
        .join(',');
      return `reply ${item.reply.code} |${item.reply.text}|${flags ? ` ${flags}` : ''}`;
    }
    if (item.kind === 'garbage') return `garbage |${item.line}|`;
    return `too-long ${item.code}`;
  });
}

function parse(
  chunks: Array<string | Buffer>,
  opts: { end?: boolean; limits?: Partial<ReplyParserLimits> } = {},
): Summary[] {
  const parser = new ReplyParser(opts.limits);
  const items: ParsedItem[] = [];
  for (const chunk of chunks)
    items.push(...parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk));
  if (opts.end) items.push(...parser.end());
  return summarize(items);
}

describe('reply parser (RFC 959 §4.2)', () => {
  it.each<[string, Array<string | Buffer>, Summary[], { end?: boolean; limits?: Partial<ReplyParserLimits> }?]>([
    ['a single-line reply', ['220 ready\r\n'], ['reply 220 |220 ready|']],
    ['a code with no text', ['200\r\n'], ['reply 200 |200|']],
    ['two replies in one chunk', ['331 pw\r\n230 in\r\n'], ['reply 331 |331 pw|', 'reply 230 |230 in|']],
    ['a reply split across chunks, even inside CRLF', ['22', '0 rea', 'dy\r', '\n'], ['reply 220 |220 ready|']],
    ['bare LF line ends', ['220 ready\n331 pw\n'], ['reply 220 |220 ready|', 'reply 331 |331 pw|']],
    [
      'a multi-line reply whose inner lines carry other codes and dashes',
      ['211-Features:\r\n MDTM\r\n200-not the end\r\n211-still not\r\n211 End\r\n'],
      ['reply 211 |211-Features:\n MDTM\n200-not the end\n211-still not\n211 End|'],
    ],
    [
      'a multi-line reply split line by line',
      ['230-Welcome\r\n', 'to the\r\n', '230 server\r\n'],
      ['reply 230 |230-Welcome\nto the\n230 server|'],
    ],
    ['nothing until the multi-line reply ends', ['220-one\r\n220-two\r\n'], []],
    ['a last line without terminator at close', ['221 Bye'], ['reply 221 |221 Bye| unterminated'], { end: true }],
    ['an unterminated line before close is held back', ['221 Bye'], []],
    ['a line that is not a reply outside any reply', ['SSH-2.0-OpenSSH_9.2\r\n'], ['garbage |SSH-2.0-OpenSSH_9.2|']],
    ['blank lines between replies are ignored', ['\r\n220 hi\r\n'], ['reply 220 |220 hi|']],
    ['UTF-8 text kept (RFC 2640)', ['257 "/dir/été" created\r\n'], ['reply 257 |257 "/dir/été" created|']],
    [
      'non-UTF-8 bytes read as Latin-1',
      [Buffer.from([0x32, 0x32, 0x30, 0x20, 0xe9, 0x74, 0xe9, 0x0d, 0x0a])],
      ['reply 220 |220 été|'],
    ],
    [
      'an over-long line keeps its start',
      ['220 ' + 'x'.repeat(50) + '\r\n'],
      ['reply 220 |220 xxxxxx […]|'],
      { limits: { maxLineBytes: 10 } },
    ],
    [
      'stored text is capped and marked truncated',
      ['211-a\r\n', 'bbbbbbbbbb\r\n', 'cccccccccc\r\n', '211 end\r\n'],
      ['reply 211 |211-a\nbbbbbbbbbb| truncated'],
      { limits: { maxStoredChars: 20 } },
    ],
    [
      'a reply beyond the hard cap ends the stream',
      ['211-start\r\n', 'x'.repeat(60) + '\r\n', '211 end\r\n220 after\r\n'],
      ['too-long 211'],
      { limits: { maxReplyBytes: 50 } },
    ],
  ])('%s', (_name, chunks, expected, opts) => {
    expect(parse(chunks, opts)).toEqual(expected);
  });

  it('counts a 1 MB multi-line reply without storing it', () => {
    const parser = new ReplyParser();
    const line = Buffer.from('211-' + 'y'.repeat(96) + '\r\n');
    const items: ParsedItem[] = [];
    for (let i = 0; i < 10_000; i++) items.push(...parser.push(line));
    items.push(...parser.push(Buffer.from('211 End\r\n')));
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item?.kind).toBe('reply');
    if (item?.kind !== 'reply') return;
    expect(item.lineCount).toBe(10_001);
    expect(item.lines.length).toBeLessThanOrEqual(200);
    expect(item.reply.truncated).toBe(true);
    expect(item.reply.text.length).toBeLessThanOrEqual(64 * 1024);
  });

  it('flushes a pending complete-looking line on request (servers that never send a line end)', () => {
    const parser = new ReplyParser();
    expect(parser.push(Buffer.from('220 ready'))).toEqual([]);
    expect(parser.pendingText).toBe('220 ready');
    expect(summarize(parser.flushPartial())).toEqual(['reply 220 |220 ready| unterminated']);
    expect(parser.pendingBytes).toBe(0);
  });
});
