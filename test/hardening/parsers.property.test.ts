import fc from 'fast-check';
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/cli/target.js';
import {
  decodeEprt,
  decodeEpsvReply,
  decodeHostPort,
  decodePasvReply,
  encodeEprt,
  encodeEpsvReply,
  encodeHostPort,
  encodePasvReply,
} from '../../src/ftp/host-port.js';
import { ReplyParser, type ParsedItem, type ReplyParserLimits } from '../../src/ftp/reply-parser.js';
import { LineSplitter, parseCommandLine, stripTelnet, type LineEvent } from '../../src/server/command-line.js';
import { countPorts, formatRanges, parseRangeSpec, type RangeSpecError } from '../../src/ftp/port-ranges.js';

/**
 * Property-based tests of every parser that reads input from a server, a client or a person:
 * arbitrary input never throws, every bad input gets a specific outcome, and what is encoded
 * decodes back. Seeds are fixed per run by fast-check's reporting, so a failure prints its case.
 */

const RUNS = { numRuns: 300 };

/** Splits bytes at arbitrary points: the same stream as the network may deliver it. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

function parseAll(chunks: Uint8Array[], limits: Partial<ReplyParserLimits> = {}): ParsedItem[] {
  const parser = new ReplyParser(limits);
  const items: ParsedItem[] = [];
  for (const c of chunks) items.push(...parser.push(c));
  items.push(...parser.end());
  return items;
}

/** Bytes that look like FTP replies often enough to exercise multi-line states: codes, dashes, CR, LF, high bytes. */
const replyishBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '220 ',
        '211-',
        '211 ',
        '230-',
        '230 ',
        '999 ',
        '000-',
        '2200 ',
        '21',
        ' ',
        '-',
        '\r\n',
        '\n',
        '\r',
        'End',
      ),
      fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

const smallLimits = fc.record({
  maxLineBytes: fc.integer({ min: 1, max: 64 }),
  maxStoredChars: fc.integer({ min: 1, max: 256 }),
  maxStoredLines: fc.integer({ min: 1, max: 8 }),
  maxReplyBytes: fc.integer({ min: 8, max: 512 }),
});

describe('reply parser (RFC 959 §4.2) under arbitrary input', () => {
  it('never throws and gives the same items however the byte stream is chunked', () => {
    fc.assert(
      fc.property(
        replyishBytes,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.option(smallLimits, { nil: undefined }),
        (bytes, cuts, limits) => {
          const whole = parseAll([bytes], limits);
          expect(parseAll(chunked(bytes, cuts), limits)).toEqual(whole);
          expect(
            parseAll(
              [...bytes].map((b) => Uint8Array.of(b)),
              limits,
            ),
          ).toEqual(whole);
        },
      ),
      RUNS,
    );
  });

  it('keeps every stored line and reply within its caps, and records the cut', () => {
    fc.assert(
      fc.property(replyishBytes, smallLimits, (bytes, limits) => {
        for (const item of parseAll([bytes], limits)) {
          if (item.kind === 'reply') {
            expect(item.lines.length).toBeLessThanOrEqual(limits.maxStoredLines);
            expect(item.reply.text.length).toBeLessThanOrEqual(limits.maxStoredChars);
            expect(item.reply.code).toBeGreaterThanOrEqual(0);
            expect(item.reply.code).toBeLessThanOrEqual(999);
            if (item.lineCount > item.lines.length) expect(item.reply.truncated).toBe(true);
            // A line is cut at maxLineBytes (UTF-8 may decode a cut sequence as Latin-1: at most one char per byte) plus the marker.
            for (const line of item.lines) expect(line.length).toBeLessThanOrEqual(limits.maxLineBytes + ' […]'.length);
          } else if (item.kind === 'garbage') {
            expect(item.line.length).toBeLessThanOrEqual(limits.maxLineBytes + ' […]'.length);
          } else {
            expect(item.bytes).toBeGreaterThan(limits.maxReplyBytes);
          }
        }
      }),
      RUNS,
    );
  });

  it('reads back every well-formed reply, single or multi-line, with any text', () => {
    const text = fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' '));
    const reply = fc.record({
      code: fc.integer({ min: 100, max: 599 }),
      // Inner lines start with a space (RFC 959 §4.2 advises it) so none can close the reply early.
      lines: fc.array(
        text.map((t) => ` ${t}`),
        { maxLength: 5 },
      ),
      first: text,
      last: text,
    });
    fc.assert(
      fc.property(
        fc.array(reply, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (replies, cuts) => {
          const wire = replies
            .map((r) =>
              r.lines.length === 0
                ? `${r.code} ${r.first}\r\n`
                : [`${r.code}-${r.first}`, ...r.lines, `${r.code} ${r.last}`].join('\r\n') + '\r\n',
            )
            .join('');
          const items = parseAll(chunked(Buffer.from(wire, 'utf8'), cuts));
          expect(items.map((i) => (i.kind === 'reply' ? i.reply.code : i.kind))).toEqual(replies.map((r) => r.code));
          items.forEach((item, n) => {
            const r = replies[n]!;
            if (item.kind !== 'reply') return;
            const expected =
              r.lines.length === 0
                ? `${r.code} ${r.first}`
                : [`${r.code}-${r.first}`, ...r.lines, `${r.code} ${r.last}`].join('\n');
            expect(item.reply.text).toBe(expected);
            expect(item.unterminated).toBe(false);
          });
        },
      ),
      RUNS,
    );
  });

  it('turns a reply without its final CRLF into an unterminated reply at close, never loses it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, '')),
        (code, text) => {
          const items = parseAll([Buffer.from(`${code} ${text}`, 'utf8')]);
          expect(items).toHaveLength(1);
          expect(items[0]).toMatchObject({ kind: 'reply', unterminated: true, reply: { code } });
        },
      ),
      RUNS,
    );
  });

  it('ends an endless multi-line reply with one too-long item and ignores everything after it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 4096 }), fc.integer({ min: 1, max: 200 }), (maxReplyBytes, lineLength) => {
        const parser = new ReplyParser({ maxReplyBytes });
        const items: ParsedItem[] = [...parser.push(Buffer.from('211-start\r\n'))];
        const line = Buffer.from(`${'x'.repeat(lineLength)}\r\n`);
        for (let i = 0; i < Math.ceil(maxReplyBytes / line.length) + 2; i++) items.push(...parser.push(line));
        items.push(...parser.push(Buffer.from('211 End\r\n220 next\r\n')), ...parser.end());
        expect(items).toHaveLength(1);
        expect(items[0]).toMatchObject({ kind: 'too-long', code: 211 });
        expect(parser.pendingBytes).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('decodes bytes that are not UTF-8 byte for byte (Latin-1) instead of replacing or throwing', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }).filter((b) => !b.includes(0x0a) && !b.includes(0x0d)),
        (body) => {
          const bytes = Buffer.concat([Buffer.from('550 '), body, Buffer.from('\r\n')]);
          const [item] = parseAll([bytes]);
          expect(item?.kind).toBe('reply');
          if (item?.kind !== 'reply') return;
          const text = item.reply.text.slice(4);
          const asUtf8 = Buffer.from(text, 'utf8');
          const asLatin1 = Buffer.from(text, 'latin1');
          expect(asUtf8.equals(Buffer.from(body)) || asLatin1.equals(Buffer.from(body))).toBe(true);
        },
      ),
      RUNS,
    );
  });
});

const ipv4 = fc.ipV4();
const port = fc.integer({ min: 0, max: 65535 });
const tcpPort = fc.integer({ min: 1, max: 65535 });

describe('host-port codecs (RFC 959 §4.1.2, RFC 2428) under arbitrary input', () => {
  it('never throw on any text, and what they accept is in range', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.array(fc.integer({ min: -5, max: 400 }), { maxLength: 8 }).map((n) => n.join(',')),
        ),
        (text) => {
          const hp = decodeHostPort(text);
          if (hp.ok) {
            expect(isIP(hp.value.address)).toBe(4);
            expect(hp.value.port).toBeGreaterThanOrEqual(0);
            expect(hp.value.port).toBeLessThanOrEqual(65535);
          } else expect(hp.reason).not.toBe('');
          const pasv = decodePasvReply(text);
          if (!pasv.ok) expect(pasv.reason).not.toBe('');
          const eprt = decodeEprt(text);
          if (eprt.ok) {
            expect(isIP(eprt.value.address)).toBe(eprt.value.family);
            expect(eprt.value.port).toBeGreaterThanOrEqual(1);
          } else expect(eprt.reason).not.toBe('');
          const epsv = decodeEpsvReply(text);
          if (epsv.ok) {
            expect(epsv.value.port).toBeGreaterThanOrEqual(1);
            expect(epsv.value.port).toBeLessThanOrEqual(65535);
          } else expect(epsv.reason).not.toBe('');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('decode what they encode: PORT and 227, inside whatever text a server wraps around it', () => {
    const wrapper = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\d,]/g, ''));
    fc.assert(
      fc.property(ipv4, port, wrapper, wrapper, (address, p, before, after) => {
        expect(decodeHostPort(encodeHostPort({ address, port: p }))).toEqual({ ok: true, value: { address, port: p } });
        expect(decodePasvReply(`${before}(${encodeHostPort({ address, port: p })})${after}`)).toEqual({
          ok: true,
          value: { address, port: p },
        });
        expect(decodePasvReply(encodePasvReply({ address, port: p }))).toEqual({
          ok: true,
          value: { address, port: p },
        });
      }),
      RUNS,
    );
  });

  it('decode what they encode: EPRT for both families with any delimiter, and 229', () => {
    const delimiter = fc
      .integer({ min: 33, max: 126 })
      .map((c) => String.fromCharCode(c))
      .filter((d) => !/[0-9a-fA-F:.]/.test(d));
    fc.assert(
      fc.property(fc.oneof(ipv4, fc.ipV6()), tcpPort, delimiter, (address, p, d) => {
        const family = isIP(address) as 4 | 6;
        expect(decodeEprt(encodeEprt({ address, port: p }))).toEqual({ ok: true, value: { address, port: p, family } });
        expect(decodeEprt(`${d}${family === 4 ? 1 : 2}${d}${address}${d}${p}${d}`)).toEqual({
          ok: true,
          value: { address, port: p, family },
        });
        expect(decodeEpsvReply(encodeEpsvReply(p))).toEqual({ ok: true, value: { port: p } });
        expect(decodeEpsvReply(`Entering Extended Passive Mode (${d}${d}${d}${p}${d})`)).toEqual({
          ok: true,
          value: { port: p },
        });
      }),
      RUNS,
    );
  });

  it('refuse numbers above 255, ports outside 1-65535 in EPRT/229, and unknown families with a reason', () => {
    fc.assert(
      fc.property(fc.integer({ min: 256, max: 99999 }), fc.integer({ min: 0, max: 5 }), (big, at) => {
        const numbers = [10, 0, 0, 1, 4, 1];
        numbers[at] = big;
        expect(decodeHostPort(numbers.join(','))).toMatchObject({ ok: false });
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.oneof(fc.constant(0), fc.integer({ min: 65536, max: 99999 })), (p) => {
        expect(decodeEprt(`|1|10.0.0.1|${p}|`)).toMatchObject({ ok: false });
        expect(decodeEpsvReply(`(|||${p}|)`)).toMatchObject({ ok: false });
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ maxLength: 3 }).filter((af) => af !== '1' && af !== '2' && !af.includes('|')),
        (af) => {
          expect(decodeEprt(`|${af}|10.0.0.1|2000|`)).toMatchObject({ ok: false });
        },
      ),
    );
  });
});

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
// WHATWG URL reads a name whose last label is a number as an IPv4 address (and refuses it), so the last label has a letter.
const hostname = fc
  .array(label, { minLength: 1, maxLength: 4 })
  .map((l) => l.join('.'))
  .filter((h) => /[a-z]/.test(h.split('.').at(-1) ?? ''));

describe('server arguments (host, host:port, [v6]:port, ftp:// URLs) under arbitrary input', () => {
  it('never throws; an accepted target has a host and a port in 1-65535; a refusal has a message', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'grapheme' }),
          fc.webUrl(),
          fc.string().map((s) => `ftp://${s}`),
          fc.string().map((s) => `[${s}]:${s}`),
        ),
        (input) => {
          const r = parseTarget(input);
          if (r.ok) {
            expect(r.target.host).not.toBe('');
            if (r.target.port !== undefined) {
              expect(r.target.port).toBeGreaterThanOrEqual(1);
              expect(r.target.port).toBeLessThanOrEqual(65535);
            }
          } else {
            expect(r.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads back every way of writing a host and a port', () => {
    fc.assert(
      fc.property(
        fc.oneof(ipv4, hostname, fc.ipV6()),
        tcpPort,
        fc.constantFrom('ftp', 'ftps', 'ftpes'),
        (host, p, scheme) => {
          const six = isIP(host) === 6;
          const hostPort = six ? `[${host}]:${p}` : `${host}:${p}`;
          expect(parseTarget(hostPort)).toMatchObject({ ok: true, target: { port: p } });
          expect(parseTarget(six ? `[${host}]` : host)).toMatchObject({ ok: true });
          const url = parseTarget(`${scheme}://${hostPort}/`);
          expect(url.ok).toBe(true);
          if (url.ok && !six) expect(url.target.host).toBe(host.toLowerCase());
          // WHATWG URL drops a default port (21 for ftp:), so a URL may come back without one.
          if (url.ok && !(scheme === 'ftp' && p === 21)) expect(url.target.port).toBe(p);
        },
      ),
      RUNS,
    );
  });

  it('never repeats a password written into the URL, whatever else is wrong with it', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9@:!]{6,16}$/).map((s) => `Pw${s}`);
    const anyHost = fc.oneof(hostname, ipv4, fc.constantFrom('a.0', 'bad host', '', '[::1', '300.1.1.1', 'x:99999'));
    fc.assert(
      fc.property(
        secret,
        anyHost,
        fc.stringMatching(/^[a-z]{0,8}$/),
        fc.constantFrom('ftp', 'ftps', 'http', 'sftp'),
        (password, host, user, scheme) => {
          const r = parseTarget(`${scheme}://${user}:${password}@${host}/`);
          expect(r.ok).toBe(false);
          expect(JSON.stringify(r)).not.toContain(password);
        },
      ),
      RUNS,
    );
  });
});

const KNOWN_RANGE_ERRORS: RangeSpecError[] = [
  'E_RANGE_EMPTY',
  'E_RANGE_SYNTAX',
  'E_RANGE_PORT_ZERO',
  'E_RANGE_PORT_TOO_HIGH',
  'E_RANGE_REVERSED',
];

describe('port range specs (--range) under arbitrary input', () => {
  it('never throws; a refusal carries a known code and a message', () => {
    const rangeish = fc
      .array(
        fc.oneof(
          fc.constantFrom(',', '-', ' ', '–', '0', '65535', '65536', '999999'),
          fc.nat(70000).map(String),
          fc.string({ maxLength: 3 }),
        ),
        { maxLength: 12 },
      )
      .map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(rangeish, fc.string()), (spec) => {
        const r = parseRangeSpec(spec);
        if (r.ok) {
          expect(r.ranges.length).toBeGreaterThan(0);
          r.ranges.forEach(([from, to], i) => {
            expect(from).toBeGreaterThanOrEqual(1);
            expect(to).toBeLessThanOrEqual(65535);
            expect(from).toBeLessThanOrEqual(to);
            // sorted, disjoint and not adjacent: every port appears once
            if (i > 0) expect(from).toBeGreaterThan(r.ranges[i - 1]![1] + 1);
          });
        } else {
          expect(KNOWN_RANGE_ERRORS).toContain(r.code);
          expect(r.message).not.toBe('');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('covers exactly the ports of its pieces, and reads its own formatting back', () => {
    const piece = fc
      .tuple(tcpPort, fc.integer({ min: 0, max: 300 }))
      .map(([from, len]) => [from, Math.min(65535, from + len)] as [number, number]);
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), (pieces) => {
        const r = parseRangeSpec(pieces.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(','));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const wanted = new Set(pieces.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)));
        expect(countPorts(r.ranges)).toBe(wanted.size);
        for (const p of wanted) expect(r.ranges.some(([a, b]) => p >= a && p <= b)).toBe(true);
        expect(parseRangeSpec(formatRanges(r.ranges))).toEqual(r);
      }),
      RUNS,
    );
  });
});

function splitAll(chunks: Uint8Array[], max: number): LineEvent[] {
  const splitter = new LineSplitter(max);
  return chunks.flatMap((c) => splitter.push(Buffer.from(c)));
}

describe("the server's command-line parser (RFC 959 §4.1, §5.3) under arbitrary input", () => {
  it('splits any byte stream into the same lines however it is chunked, never a line over the limit', () => {
    const commandish = fc
      .array(
        fc.oneof(
          fc.constantFrom('USER ', 'PASS x', 'RETR ../', '\r\n', '\n', '\r', '\xff\xf4\xff\xf2', '\xff\xff', ' '),
          fc.string({ maxLength: 10 }),
          fc.uint8Array({ maxLength: 10 }).map((b) => Buffer.from(b).toString('latin1')),
        ),
        { maxLength: 50 },
      )
      .map((p) => Buffer.from(p.join(''), 'latin1'));
    fc.assert(
      fc.property(
        commandish,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 1, max: 40 }),
        (bytes, cuts, max) => {
          const whole = splitAll([bytes], max);
          // A too-long line is reported once, whenever the limit is first passed: chunking changes only its byte count.
          const shape = (events: LineEvent[]): string[] =>
            events.map((e) => (e.kind === 'line' ? `line:${e.line}` : 'too-long'));
          expect(shape(splitAll(chunked(bytes, cuts), max))).toEqual(shape(whole));
          for (const e of whole) {
            if (e.kind === 'line') expect(Buffer.byteLength(e.line, 'utf8')).toBeLessThanOrEqual(max * 3);
            else expect(e.bytes).toBeGreaterThan(max);
          }
        },
      ),
      RUNS,
    );
  });

  it('parses any line into an upper-case verb without spaces and the argument untouched', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (line) => {
        const { verb, argument } = parseCommandLine(line);
        expect(verb).not.toContain(' ');
        expect(verb).toBe(verb.toUpperCase());
        const space = line.indexOf(' ');
        expect(argument).toBe(space < 0 ? '' : line.slice(space + 1));
      }),
      { numRuns: 1000 },
    );
  });

  it('strips Telnet commands and keeps an escaped IAC as one byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => {
        const out = stripTelnet(Buffer.from(bytes));
        expect(out.length).toBeLessThanOrEqual(bytes.length);
        if (!bytes.includes(0xff)) expect(out.equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
