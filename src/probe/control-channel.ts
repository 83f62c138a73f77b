import { type ParsedItem, ReplyParser, type ReplyParserLimits, unmapIpv4 } from '../ftp/index.js';
import { ProbeError, errnoOf, tlsHandshake, waitFor } from '../net/index.js';
import type { Reply } from '../observation/index.js';
import type { Socket } from 'node:net';
import type { ConnectionOptions, SecureVersion, TLSSocket } from 'node:tls';
import type { SessionTranscript, Transcript } from './transcript.js';

/** How many raw bytes of what the server sent first we keep (greeting evidence). */
const FIRST_BYTES_CAP = 256;

/**
 * A server that never terminates its replies (no CRLF, no LF) gets its pending line accepted after
 * this long without further bytes — longer than the one-byte-per-second trickle of a slow link.
 */
const IDLE_FLUSH_MS = 2000;

/**
 * The control connection as one object that owns its socket (plain or TLS), its reply parser and
 * the transcript: commands go out through send(), replies come back in order through read().
 * After a reply wait timed out, a late reply could be taken for the answer to the next command;
 * such a channel is marked `desynced` and the engine opens a fresh session instead of reusing it.
 */
export class ControlChannel {
  socket: Socket | TLSSocket;
  readonly peer: { address: string; port: number };
  readonly local: { address: string; port: number };
  readonly firstBytes: Buffer[] = [];
  firstBytesLength = 0;
  /** Latest TLS session of the control connection: data connections resume it (RFC 4217 §10.2). */
  tlsSession: Buffer | undefined;
  /** The one TLS version this session was pinned to (tls-version-reuse.ts), on control and data connections alike. */
  tlsVersion: SecureVersion | undefined;
  desynced = false;

  private readonly parser: ReplyParser;
  /** This session's lines of the run's transcript, numbered. */
  private readonly transcript: SessionTranscript;
  private readonly queue: ParsedItem[] = [];
  private ended: ProbeError | undefined;
  private wake: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(socket: Socket | TLSSocket, transcript: Transcript, limits: Partial<ReplyParserLimits> = {}) {
    this.socket = socket;
    this.transcript = transcript.forSession();
    this.parser = new ReplyParser(limits);
    this.peer = { address: unmapIpv4(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    this.local = { address: unmapIpv4(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
    this.attach(socket);
  }

  /** The session's number in the transcript. */
  get session(): number {
    return this.transcript.session;
  }

  get isTls(): boolean {
    return 'encrypted' in this.socket && this.socket.encrypted;
  }

  /**
   * The channel can carry another command and trust the reply it gets: still open, in step, and
   * with no unsolicited reply waiting (a late 425/426, a 421 idle notice) that would be taken for
   * the answer to the next command.
   */
  get usable(): boolean {
    return this.ended === undefined && !this.desynced && this.queue.length === 0 && !this.socket.destroyed;
  }

  get closedReason(): ProbeError | undefined {
    return this.ended;
  }

  get firstBytesBuffer(): Buffer {
    return Buffer.concat(this.firstBytes);
  }

  /** The next parsed item: a reply, a line that is not a reply, or the too-long marker. */
  nextItem(timeoutMs: number, signal: AbortSignal): Promise<ParsedItem> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    return waitFor<ParsedItem>((w) => {
      w.finally(() => {
        this.wake = undefined;
      });
      w.abortOn(signal, () =>
        w.reject(new ProbeError('E_ABORTED', 'stopped while waiting for a reply', { elapsedMs: elapsed() })),
      );
      w.after(timeoutMs, () =>
        w.reject(
          new ProbeError('E_TIMEOUT', `no complete reply within ${timeoutMs} ms`, {
            elapsedMs: elapsed(),
            pendingBytes: this.parser.pendingBytes,
          }),
        ),
      );
      const check = (): void => {
        const item = this.queue.shift();
        if (item) w.resolve(item);
        else if (this.ended) w.reject(this.ended);
      };
      if (w.settled) return;
      this.wake = check;
      check();
    });
  }

  /** The next reply; a non-reply line or an endless reply is a protocol failure of this session. */
  async read(timeoutMs: number, signal: AbortSignal): Promise<Reply> {
    let item: ParsedItem;
    try {
      item = await this.nextItem(timeoutMs, signal);
    } catch (err) {
      if (err instanceof ProbeError && err.code === 'E_TIMEOUT') this.desynced = true;
      throw err;
    }
    if (item.kind === 'reply') return item.reply;
    this.desynced = true;
    if (item.kind === 'garbage') throw new ProbeError('E_BAD_REPLY', `not an FTP reply: "${item.line.slice(0, 120)}"`);
    throw new ProbeError(
      'E_REPLY_TOO_LONG',
      `reply ${item.code} exceeded ${item.bytes} bytes (${item.lineCount} lines); session abandoned`,
      {
        bytes: item.bytes,
      },
    );
  }

  write(command: string): void {
    if (!this.usable)
      throw this.ended ?? new ProbeError('E_PROTOCOL', 'control channel is out of step with the server');
    this.transcript.sent(command);
    this.socket.write(`${command}\r\n`);
  }

  /** Sends one command and returns its first reply (a 1xx preliminary reply included). */
  async send(command: string, timeoutMs: number, signal: AbortSignal): Promise<Reply> {
    this.write(command);
    return this.read(timeoutMs, signal);
  }

  /** AUTH TLS accepted (RFC 4217 §4): the same TCP connection continues as a TLS client. */
  async upgradeTls(
    options: Omit<ConnectionOptions, 'socket' | 'rejectUnauthorized'>,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<TLSSocket> {
    const plain = this.socket;
    this.detach(plain);
    try {
      const secure = await tlsHandshake(plain, options, timeoutMs, signal);
      this.attach(secure);
      this.socket = secure;
      return secure;
    } catch (err) {
      this.ended ??= err instanceof ProbeError ? err : new ProbeError('E_TLS', String(err));
      throw err;
    }
  }

  close(): void {
    clearTimeout(this.idleTimer);
    this.ended ??= new ProbeError('E_CLOSED', 'closed by the probe');
    this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.firstBytesLength < FIRST_BYTES_CAP) {
      const piece = chunk.subarray(0, FIRST_BYTES_CAP - this.firstBytesLength);
      this.firstBytes.push(Buffer.from(piece));
      this.firstBytesLength += piece.length;
    }
    this.accept(this.parser.push(chunk));
    clearTimeout(this.idleTimer);
    if (this.parser.pendingBytes > 0) this.idleTimer = setTimeout(this.onIdle, IDLE_FLUSH_MS);
  };

  private readonly onIdle = (): void => {
    if (!/^\d{3}( |$)/.test(this.parser.pendingText) || this.parser.inReply) return;
    this.transcript.note('reply line without a line terminator, accepted after an idle wait');
    this.accept(this.parser.flushPartial());
  };

  private readonly onEnd = (): void => {
    this.accept(this.parser.end());
    this.ended ??= new ProbeError('E_CLOSED', 'the server closed the control connection');
    this.wake?.();
  };

  private readonly onError = (err: Error): void => {
    const errno = errnoOf(err);
    this.ended ??=
      errno === 'ECONNRESET' || errno === 'EPIPE'
        ? new ProbeError('E_RESET', `control connection reset (${errno})`, {}, errno)
        : new ProbeError(this.isTls ? 'E_TLS' : 'E_CLOSED', err.message, {}, errno);
    this.wake?.();
  };

  private readonly onClose = (): void => {
    clearTimeout(this.idleTimer);
    this.ended ??= new ProbeError('E_CLOSED', 'the control connection closed');
    this.wake?.();
  };

  private accept(items: ParsedItem[]): void {
    for (const item of items) {
      if (item.kind === 'reply') {
        for (const line of item.lines) this.transcript.received(line);
        if (item.lineCount > item.lines.length)
          this.transcript.note(`${item.lineCount - item.lines.length} more lines of this reply not kept`);
      } else if (item.kind === 'garbage') {
        this.transcript.received(item.line);
      } else {
        this.transcript.note(`reply ${item.code} exceeded ${item.bytes} bytes; rest ignored`);
      }
      this.queue.push(item);
    }
    if (items.length > 0) this.wake?.();
  }

  /** The socket events the channel follows, for attaching and detaching them as one set. */
  private get handlers(): Array<[string, (...args: any[]) => void]> {
    return [
      ['data', this.onData],
      ['end', this.onEnd],
      ['error', this.onError],
      ['close', this.onClose],
      ['session', this.onSession],
    ];
  }

  private attach(socket: Socket | TLSSocket): void {
    for (const [event, handler] of this.handlers) socket.on(event, handler);
  }

  private detach(socket: Socket | TLSSocket): void {
    for (const [event, handler] of this.handlers) socket.removeListener(event, handler);
  }

  private readonly onSession = (session: Buffer): void => {
    this.tlsSession = session;
  };
}
