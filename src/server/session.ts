import { unmapIpv4 } from '../ftp/index.js';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { COMMANDS } from './commands/command-table.js';
import { LineSplitter, parseCommandLine, type LineEvent } from './command-line.js';
import type { PassiveEndpoint } from './passive-ports.js';
import { formatReply } from './reply.js';
import type { ServerContext } from './server-context.js';

/** How the next data connection will be made (RFC 959 §3.2): set by PASV/EPSV or PORT/EPRT, used once. */
export type DataSetup =
  { kind: 'passive'; endpoint: PassiveEndpoint } | { kind: 'active'; address: string; port: number };

/** Verbs answered even while a transfer runs (RFC 959 §4.1.3: ABOR and STAT are meant for that). */
const DURING_TRANSFER = new Set(['ABOR', 'STAT', 'QUIT', 'NOOP']);

/**
 * One control connection: reads command lines, runs them one at a time, writes replies, and holds
 * the per-session state the commands change (login, directory, type, data setup, TLS).
 */
export class Session {
  readonly peerAddress: string;
  readonly peerPort: number;
  readonly localAddress: string;
  private control: Socket | TLSSocket;
  private readonly splitter: LineSplitter;
  /** Lines and over-long-line notices, answered strictly in arrival order (RFC 959 §4.2: one reply per command, in order). */
  private readonly queue: LineEvent[] = [];
  private running = false;
  private closed = false;
  private finished = false;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);
  private readonly loginDeadline: NodeJS.Timeout;

  // state changed by the commands
  pendingUser: string | undefined;
  private authenticated = false;
  loginFailures = 0;
  cwd = '/';
  binary = false;
  restOffset = 0;
  tlsActive = false;
  pbszSet = false;
  protectData = false;
  epsvAll = false;
  data: DataSetup | undefined;
  lastPortArgument: string | undefined;
  lastPasvReply: string | undefined;
  /** Set while a transfer runs; ABOR calls it. */
  abortTransfer: (() => void) | undefined;
  /** Settles when the running transfer has sent its final reply. */
  transferFinished: Promise<void> | undefined;
  /** TLS session of the control connection, for checking reuse on data connections. */
  controlTls: TLSSocket | undefined;

  constructor(
    readonly ctx: ServerContext,
    socket: Socket,
    private readonly onClosed: () => void,
  ) {
    this.peerAddress = unmapIpv4(socket.remoteAddress ?? '');
    this.peerPort = socket.remotePort ?? 0;
    this.localAddress = unmapIpv4(socket.localAddress ?? '');
    this.control = socket;
    this.splitter = new LineSplitter(ctx.config.limits.maxCommandLineBytes);
    this.attach(socket);
    const loginMs = ctx.config.limits.loginTimeoutMs;
    this.loginDeadline = setTimeout(() => {
      if (!this.loggedIn) this.closeWith(421, `Login not completed within ${loginMs} ms, closing control connection.`);
    }, loginMs);
  }

  /** Starts the session on a plain control connection (greeting 220, RFC 959 §5.4). */
  start(): void {
    this.reply(220, 'ftpdoctor reference server ready');
  }

  /** Implicit FTPS: TLS from the first byte, then the usual greeting inside it. */
  startImplicitTls(): void {
    this.control.removeListener('data', this.onData);
    const tls = this.ctx.tls.wrap(this.control);
    this.useTls(tls);
    tls.once('secure', () => this.start());
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', this.onData);
    socket.on('error', (err) =>
      this.ctx.log?.(
        `session ${this.peerAddress}:${this.peerPort} control error ${(err as NodeJS.ErrnoException).code ?? err.message}`,
      ),
    );
    socket.on('close', () => this.teardown());
    socket.setTimeout(this.ctx.config.limits.idleTimeoutMs, () => {
      if (this.abortTransfer) return; // the control channel is quiet during a long transfer
      this.closeWith(421, `Idle timeout (${this.ctx.config.limits.idleTimeoutMs} ms), closing control connection.`);
    });
  }

  private useTls(tls: TLSSocket): void {
    this.control = tls;
    this.controlTls = tls;
    this.tlsActive = true;
    this.attach(tls);
  }

  /** AUTH TLS (RFC 4217 §4): the 234 reply goes out in clear, then the handshake starts. */
  upgradeToTls(): void {
    const raw = this.control;
    raw.removeListener('data', this.onData);
    raw.removeAllListeners('close');
    raw.setTimeout(0);
    raw.write(formatReply(234, 'AUTH TLS successful'), () => {
      if (this.closed) return;
      this.useTls(this.ctx.tls.wrap(raw));
    });
  }

  reply(code: number, text: string | readonly string[]): void {
    if (this.closed) return;
    this.control.write(formatReply(code, text));
  }

  /** Replies and closes: 421 on limits and timeouts, 221 on QUIT. */
  closeWith(code: number, text: string): void {
    if (this.closed) return;
    this.reply(code, text);
    this.abortTransfer?.();
    this.closed = true;
    this.control.end();
    this.control.setTimeout(2000, () => this.control.destroy());
  }

  get loggedIn(): boolean {
    return this.authenticated;
  }

  /** PASS accepted: the login deadline has done its job, so its timer goes now rather than at close. */
  completeLogin(): void {
    this.authenticated = true;
    clearTimeout(this.loginDeadline);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Forgets the data setup; resolves once a passive port is free again. */
  clearDataSetup(): Promise<void> {
    const setup = this.data;
    this.data = undefined;
    return setup?.kind === 'passive' ? setup.endpoint.close() : Promise.resolve();
  }

  private receive(chunk: Buffer): void {
    for (const event of this.splitter.push(chunk)) {
      if (
        event.kind === 'line' &&
        this.running &&
        this.abortTransfer &&
        DURING_TRANSFER.has(parseCommandLine(event.line).verb)
      ) {
        void this.execute(event.line);
      } else this.queue.push(event);
    }
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let event = this.queue.shift(); event !== undefined && !this.closed; event = this.queue.shift()) {
        if (event.kind === 'line') await this.execute(event.line);
        else
          this.reply(
            500,
            `Command line too long (${event.bytes} bytes, limit ${this.ctx.config.limits.maxCommandLineBytes}).`,
          );
      }
    } finally {
      this.running = false;
    }
  }

  private async execute(line: string): Promise<void> {
    const { verb, argument } = parseCommandLine(line);
    this.ctx.log?.(`${this.peerAddress}:${this.peerPort} > ${verb === 'PASS' ? 'PASS ***' : line}`);
    const command = COMMANDS.get(verb);
    if (!command) return this.reply(500, `Unknown command ${JSON.stringify(verb.slice(0, 32))}.`);
    if (command.needsLogin && !this.loggedIn) return this.reply(530, 'Please login with USER and PASS.');
    if (command.argument === 'required' && argument.trim() === '') {
      return this.reply(501, `${verb} needs an argument.`);
    }
    try {
      await command.run(this, argument);
    } catch (err) {
      this.ctx.log?.(`${this.peerAddress}:${this.peerPort} ${verb} failed: ${(err as Error).message}`);
      this.reply(451, `Requested action aborted: local error in processing.`);
    }
  }

  private teardown(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.loginDeadline);
    this.closed = true;
    this.abortTransfer?.();
    void this.clearDataSetup();
    this.onClosed();
  }

  /** Server shutdown. */
  destroy(): void {
    this.closeWith(421, 'Server shutting down.');
    this.control.destroy();
  }
}
