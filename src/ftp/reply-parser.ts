import type { Reply } from './reply.js';

/**
 * Incremental parser for FTP replies (RFC 959 §4.2). A reply is "ddd text" on one line, or a
 * multi-line reply that opens with "ddd-" and ends at the first line that starts with the same code
 * followed by a space; the lines in between may say anything, including other codes.
 * Tolerant of what real servers send: bare LF, a last line without any terminator at close, bytes
 * that are not UTF-8. Bounded: a line keeps at most maxLineBytes, a reply stores at most
 * maxStoredChars, and a reply longer than maxReplyBytes ends the stream (E_REPLY_TOO_LONG).
 * Pure: bytes in, items out; the socket lives elsewhere.
 */

export interface ReplyParserLimits {
  maxLineBytes: number;
  maxStoredChars: number;
  maxStoredLines: number;
  maxReplyBytes: number;
}

export const DEFAULT_REPLY_LIMITS: ReplyParserLimits = {
  maxLineBytes: 8 * 1024,
  maxStoredChars: 64 * 1024,
  maxStoredLines: 200,
  maxReplyBytes: 4 * 1024 * 1024,
};

export type ParsedItem =
  | {
      kind: 'reply';
      reply: Reply;
      /** The lines as stored (capped at maxStoredLines), for the transcript. */
      lines: string[];
      /** How many lines the reply really had. */
      lineCount: number;
      /** The final line had no terminator: it was flushed at close or after an idle wait. */
      unterminated: boolean;
    }
  /** A line outside any reply that does not start with a three-digit code. */
  | { kind: 'garbage'; line: string }
  /** The reply grew past maxReplyBytes; the parser ignores everything after this. */
  | { kind: 'too-long'; code: number; bytes: number; lineCount: number };

const REPLY_LINE = /^(\d{3})([ -]|$)/;

interface OpenReply {
  code: number;
  lines: string[];
  lineCount: number;
  storedChars: number;
  truncated: boolean;
  bytes: number;
}

export class ReplyParser {
  private readonly limits: ReplyParserLimits;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private lineOverflow = false;
  private open: OpenReply | undefined;
  private failed = false;

  constructor(limits: Partial<ReplyParserLimits> = {}) {
    this.limits = { ...DEFAULT_REPLY_LIMITS, ...limits };
  }

  push(chunk: Uint8Array): ParsedItem[] {
    const items: ParsedItem[] = [];
    let start = 0;
    while (!this.failed && start < chunk.length) {
      const lf = chunk.indexOf(0x0a, start);
      const end = lf === -1 ? chunk.length : lf;
      this.keep(chunk.subarray(start, end));
      if (lf === -1) break;
      this.completeLine(false, items);
      start = lf + 1;
    }
    return items;
  }

  /** The peer closed: a last line without CRLF still counts (servers that write "221 Bye" and close). */
  end(): ParsedItem[] {
    return this.flushPartial();
  }

  /** Treats the buffered partial line as complete (used after an idle wait for servers that never send CRLF). */
  flushPartial(): ParsedItem[] {
    const items: ParsedItem[] = [];
    if (!this.failed && (this.partialBytes > 0 || this.lineOverflow)) this.completeLine(true, items);
    return items;
  }

  /** Bytes of the line still waiting for its terminator. */
  get pendingBytes(): number {
    return this.partialBytes;
  }

  /** The buffered partial line as text, for an idle-flush decision. */
  get pendingText(): string {
    return decodeLine(Buffer.concat(this.partial));
  }

  /** A multi-line reply has started and not yet ended. */
  get inReply(): boolean {
    return this.open !== undefined;
  }

  private keep(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.open) this.open.bytes += bytes.length;
    const room = this.limits.maxLineBytes - this.partialBytes;
    if (room <= 0) {
      this.lineOverflow = true;
    } else {
      const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
      if (bytes.length > room) this.lineOverflow = true;
      this.partial.push(Buffer.from(kept));
      this.partialBytes += kept.length;
    }
  }

  private completeLine(unterminated: boolean, items: ParsedItem[]): void {
    const raw = Buffer.concat(this.partial);
    const lineBytes = this.partialBytes + 1;
    this.partial = [];
    this.partialBytes = 0;
    const overflow = this.lineOverflow;
    this.lineOverflow = false;
    let line = decodeLine(raw[raw.length - 1] === 0x0d ? raw.subarray(0, raw.length - 1) : raw);
    if (overflow) line += ' […]';

    const open = this.open;
    if (open) {
      open.bytes += 1; // the LF
      this.store(open, line);
      if (open.bytes > this.limits.maxReplyBytes) {
        this.failed = true;
        this.open = undefined;
        items.push({ kind: 'too-long', code: open.code, bytes: open.bytes, lineCount: open.lineCount });
        return;
      }
      const m = REPLY_LINE.exec(line);
      if (m && Number(m[1]) === open.code && m[2] !== '-') {
        this.open = undefined;
        items.push(this.finish(open, unterminated));
      }
      return;
    }

    const m = REPLY_LINE.exec(line);
    if (!m) {
      if (line.trim() !== '') items.push({ kind: 'garbage', line });
      return;
    }
    const reply: OpenReply = {
      code: Number(m[1]),
      lines: [],
      lineCount: 0,
      storedChars: 0,
      truncated: false,
      bytes: lineBytes,
    };
    this.store(reply, line);
    if (m[2] === '-') this.open = reply;
    else items.push(this.finish(reply, unterminated));
  }

  private store(reply: OpenReply, line: string): void {
    reply.lineCount += 1;
    if (reply.truncated) return;
    const fits =
      reply.lines.length < this.limits.maxStoredLines &&
      reply.storedChars + line.length + 1 <= this.limits.maxStoredChars;
    if (fits) {
      reply.lines.push(line);
      reply.storedChars += line.length + 1;
    } else {
      reply.truncated = true;
    }
  }

  private finish(reply: OpenReply, unterminated: boolean): ParsedItem {
    const stored: Reply = { code: reply.code, text: reply.lines.join('\n') };
    if (reply.truncated) stored.truncated = true;
    return { kind: 'reply', reply: stored, lines: reply.lines, lineCount: reply.lineCount, unterminated };
  }
}

/** FTP text is ASCII, UTF-8 (RFC 2640) or a legacy code page: keep UTF-8 when valid, else Latin-1 byte for byte. */
const utf8 = new TextDecoder('utf-8', { fatal: true });
function decodeLine(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}
