import { describe, expect, it } from 'vitest';
import { LineSplitter, parseCommandLine, stripTelnet } from '../../src/server/command-line.js';
import { formatReply } from '../../src/server/reply.js';
import { formatFacts, formatListLine, formatTimeVal } from '../../src/server/listing.js';
import { listTarget } from '../../src/server/commands/transfer.js';
import type { FileEntry } from '../../src/server/virtual-fs.js';

describe('parseCommandLine', () => {
  it.each([
    ['USER anonymous', 'USER', 'anonymous'],
    ['retr my file.txt', 'RETR', 'my file.txt'],
    ['PASV', 'PASV', ''],
    ['CWD  two spaces', 'CWD', ' two spaces'],
  ])('%j → %s %j', (line, verb, argument) => {
    expect(parseCommandLine(line)).toEqual({ verb, argument });
  });
});

describe('LineSplitter', () => {
  it.each([
    { name: 'CRLF lines', chunks: ['NOOP\r\nPWD\r\n'], lines: ['NOOP', 'PWD'] },
    { name: 'a bare LF', chunks: ['NOOP\nPWD\n'], lines: ['NOOP', 'PWD'] },
    { name: 'a line split across chunks', chunks: ['NO', 'OP\r', '\nPW', 'D\r\n'], lines: ['NOOP', 'PWD'] },
    { name: 'an unfinished line', chunks: ['NOOP\r\nPW'], lines: ['NOOP'] },
    {
      name: 'UTF-8 split inside a character',
      chunks: [Buffer.from('CWD grü'), Buffer.from('ße\r\n')],
      lines: ['CWD grüße'],
    },
  ])('splits $name', ({ chunks, lines }) => {
    const s = new LineSplitter(64);
    const out = chunks.flatMap((c) => s.push(Buffer.from(c)));
    expect(out).toEqual(lines.map((line) => ({ kind: 'line', line })));
  });

  it('reports an over-long line once and resumes at the next line', () => {
    const s = new LineSplitter(8);
    const events = [...s.push(Buffer.from('NOOP 123456789')), ...s.push(Buffer.from('0123456789\r\nPWD\r\n'))];
    expect(events).toEqual([
      { kind: 'too-long', bytes: 14 },
      { kind: 'line', line: 'PWD' },
    ]);
  });

  it('reports an over-long line that arrives complete', () => {
    expect(new LineSplitter(4).push(Buffer.from('NOOPS\r\nPWD\r\n'))).toEqual([
      { kind: 'too-long', bytes: 5 },
      { kind: 'line', line: 'PWD' },
    ]);
  });
});

describe('stripTelnet', () => {
  it.each([
    ['IAC IP IAC DM before ABOR', [0xff, 0xf4, 0xff, 0xf2, ...Buffer.from('ABOR')], 'ABOR'],
    ['escaped IAC', [0x41, 0xff, 0xff, 0x42], 'A\xffB'],
    ['option negotiation', [0xff, 0xfb, 0x01, 0x41], 'A'],
  ])('removes %s', (_name, bytes, expected) => {
    expect(stripTelnet(Buffer.from(bytes)).toString('latin1')).toBe(expected);
  });
});

describe('formatReply (RFC 959 §4.2)', () => {
  it.each([
    [200, 'NOOP ok.', '200 NOOP ok.\r\n'],
    [211, ['Features:', ' EPSV', 'End'], '211-Features:\r\n EPSV\r\n211 End\r\n'],
    [214, ['Help', '200 looks like a code', 'End'], '214-Help\r\n 200 looks like a code\r\n214 End\r\n'],
  ] as const)('%i %j', (code, text, wire) => {
    expect(formatReply(code, text)).toBe(wire);
  });
});

describe('listing formats', () => {
  const file: FileEntry = {
    name: 'a b.txt',
    type: 'file',
    size: 1234,
    mtime: new Date('2024-01-02T03:04:05Z'),
    writable: false,
  };
  const dir: FileEntry = { name: 'sub', type: 'dir', size: 0, mtime: new Date('2026-11-20T10:30:00Z'), writable: true };
  const now = new Date('2026-11-25T00:00:00Z');

  it.each([
    [file, '-r--r--r-- 1 ftp ftp         1234 Jan  2  2024 a b.txt'],
    [dir, 'drwxr-xr-x 1 ftp ftp            0 Nov 20 10:30 sub'],
  ])('LIST line for %o', (entry, line) => {
    expect(formatListLine(entry, now)).toBe(line);
  });

  it('writes RFC 3659 facts and time-val', () => {
    expect(formatTimeVal(file.mtime)).toBe('20240102030405');
    expect(formatFacts(file)).toBe('type=file;size=1234;modify=20240102030405;perm=r;');
    expect(formatFacts(dir)).toBe('type=dir;modify=20261120103000;perm=elc;');
  });

  it.each([
    ['', '.'],
    ['-la', '.'],
    ['-l -a /pub', '/pub'],
    ['my dir', 'my dir'],
  ])('LIST %j targets %j', (arg, target) => {
    expect(listTarget(arg)).toBe(target);
  });
});
