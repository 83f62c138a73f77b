/**
 * Splitting the control stream into commands (RFC 959 §4.1, §5.3). Pure: bytes in, command lines out.
 */

export interface CommandLine {
  /** Upper-cased command verb ("RETR"); RFC 959 commands are case-insensitive. */
  verb: string;
  /** Everything after the first space, untouched: paths may contain spaces. */
  argument: string;
}

export function parseCommandLine(line: string): CommandLine {
  const space = line.indexOf(' ');
  if (space < 0) return { verb: line.toUpperCase(), argument: '' };
  return { verb: line.slice(0, space).toUpperCase(), argument: line.slice(space + 1) };
}

/**
 * Removes Telnet IAC sequences (RFC 959 §4.1.3: ABOR may be preceded by IAC IP IAC DM) and keeps an
 * escaped IAC IAC as one 0xFF byte.
 */
export function stripTelnet(bytes: Buffer): Buffer {
  if (!bytes.includes(0xff)) return bytes;
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b !== 0xff) {
      out.push(b);
      continue;
    }
    const next = bytes[i + 1];
    if (next === 0xff) out.push(0xff);
    // WILL/WONT/DO/DONT carry one option byte more
    if (next !== undefined && next >= 251 && next <= 254) i++;
    i++;
  }
  return Buffer.from(out);
}

export type LineEvent = { kind: 'line'; line: string } | { kind: 'too-long'; bytes: number };

/**
 * Accumulates control-channel bytes and yields complete lines. Lines end in CRLF; a bare LF is
 * accepted too because some clients send it. A line longer than the limit is reported once and
 * its bytes are dropped up to the next line end, so a flood cannot grow memory.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf(0x0a, start);
      if (lf < 0) break;
      const piece = chunk.subarray(start, lf);
      start = lf + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      const whole = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingBytes = 0;
      const body = whole.at(-1) === 0x0d ? whole.subarray(0, -1) : whole;
      if (body.length > this.maxBytes) events.push({ kind: 'too-long', bytes: body.length });
      else events.push({ kind: 'line', line: stripTelnet(body).toString('utf8') });
    }
    const rest = chunk.subarray(start);
    if (this.discarding || rest.length === 0) return events;
    this.pendingBytes += rest.length;
    if (this.pendingBytes > this.maxBytes + 1) {
      events.push({ kind: 'too-long', bytes: this.pendingBytes });
      this.pending = [];
      this.pendingBytes = 0;
      this.discarding = true;
    } else {
      this.pending.push(Buffer.from(rest));
    }
    return events;
  }
}
