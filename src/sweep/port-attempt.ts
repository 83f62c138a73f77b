import { classifyConnectError } from '../net/index.js';
import { type ConnectState, EXHAUSTION_ERRNOS } from '../observation/index.js';
import { Socket } from 'node:net';
import type { Expiring, InFlightAttempts } from './in-flight-attempts.js';
import type { LocalPortPool } from './local-port-pool.js';
import type { LoopTurnClock } from './loop-turn-clock.js';
import type { OwnSocketGuard } from './own-socket-guard.js';
import { checkToken, type TokenCheck, tokenComplete } from './sweep-token.js';

/** One TCP connect to one port, with our own timeout (the kernel's SYN retries take ~130 s). */
export type AttemptResult =
  | {
      kind: 'answer';
      connect: Exclude<ConnectState, 'aborted'>;
      errno?: string;
      /** Time to the answer as seen here: an upper bound on the path's round trip. */
      rttMs?: number;
      token?: TokenCheck;
    }
  /** This computer could not try (descriptors or local ports ran out), or we reached our own socket: try again. */
  | { kind: 'retry-local'; why: 'exhausted' | 'own-socket' | 'source-port-busy'; errno?: string }
  | { kind: 'aborted' };

export interface AttemptContext {
  address: string;
  /** Only when the target is this computer and our source ports may be swept ports. */
  guard?: OwnSocketGuard;
  /** Source ports outside the swept ranges, when the kernel's ephemeral range overlaps them. */
  sourcePorts?: LocalPortPool;
  /** Every attempt in flight: their deadlines, and the sweep's abort (one signal listener, not thousands). */
  inFlight: InFlightAttempts;
  clock: LoopTurnClock;
  aborted: () => boolean;
  /** Cooperative mode: read and check the reference server's token for this long after connecting. */
  token?: { serverId: string; waitMs: number };
}

export type AttemptDone = (port: number, result: AttemptResult) => void;

/**
 * A sweep socket carries its attempt, so one set of listeners serves every socket: a sweep of
 * thousands of ports would otherwise allocate a handful of closures per port.
 */
class SweepSocket extends Socket {
  attempt: PortAttempt | undefined;
}

class PortAttempt implements Expiring {
  deadline = Number.POSITIVE_INFINITY;
  started = 0;
  private settled = false;
  private connected = false;
  private connectRttMs = 0;
  private received = '';

  constructor(
    private readonly port: number,
    readonly timeoutMs: number,
    private readonly ctx: AttemptContext,
    private readonly socket: SweepSocket,
    private readonly sourcePort: number | undefined,
    private readonly done: AttemptDone,
  ) {}

  start(): void {
    const { ctx, socket, port, sourcePort } = this;
    socket.attempt = this;
    socket.on('error', onError);
    socket.on('connect', onConnect);
    ctx.guard?.track(port, socket);
    try {
      socket.connect(
        sourcePort === undefined ? { host: ctx.address, port } : { host: ctx.address, port, localPort: sourcePort },
      );
    } catch (err) {
      // Node validates synchronously (ERR_SOCKET_BAD_PORT…): this computer refused to try. Reported on the
      // next tick like every other answer, so the sweep's launch loop never re-enters itself.
      const errno = (err as NodeJS.ErrnoException).code ?? 'ERR_CONNECT';
      process.nextTick(() => this.finish({ kind: 'answer', connect: 'local-error', errno }));
      return;
    }
    ctx.inFlight.add(this);
  }

  expire(): void {
    if (this.connected) this.tokenVerdict();
    else this.finish({ kind: 'answer', connect: 'no-answer' });
  }

  abort(): void {
    this.finish({ kind: 'aborted' });
  }

  failed(err: NodeJS.ErrnoException): void {
    if (this.connected) {
      this.tokenVerdict();
      return;
    }
    const errno = err.code;
    // Our chosen source port is taken by another socket of this computer: choose another.
    if (errno === 'EADDRINUSE' && this.sourcePort !== undefined) {
      this.finish({ kind: 'retry-local', why: 'source-port-busy', errno });
      return;
    }
    if (errno !== undefined && EXHAUSTION_ERRNOS.has(errno)) {
      this.finish({ kind: 'retry-local', why: 'exhausted', errno });
      return;
    }
    const state = classifyConnectError({ errno });
    const answer = state === 'aborted' ? 'local-error' : state;
    if (answer === 'reset' || answer === 'icmp-reject')
      this.finish({ kind: 'answer', connect: answer, errno, rttMs: this.elapsed() });
    else this.finish({ kind: 'answer', connect: answer, errno });
  }

  connectedNow(): void {
    const { ctx, socket } = this;
    this.connected = true;
    this.connectRttMs = this.elapsed();
    if (ctx.guard?.connectedToOwnSocket(socket, this.port)) {
      this.finish({ kind: 'retry-local', why: 'own-socket' });
      return;
    }
    if (!ctx.token) {
      this.finish({ kind: 'answer', connect: 'open', rttMs: this.connectRttMs });
      return;
    }
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    this.deadline = ctx.clock.now() + ctx.token.waitMs;
  }

  read(chunk: Buffer): void {
    this.received += chunk.toString('latin1');
    if (tokenComplete(this.received)) this.tokenVerdict();
  }

  tokenVerdict(): void {
    const check = checkToken(this.received, { serverId: this.ctx.token?.serverId ?? '', port: this.port });
    this.finish({ kind: 'answer', connect: 'open', rttMs: this.connectRttMs, token: check });
  }

  private elapsed(): number {
    return Math.max(0, this.ctx.clock.now() - this.started);
  }

  private finish(result: AttemptResult): void {
    if (this.settled) return;
    this.settled = true;
    const { ctx, socket, port, sourcePort } = this;
    // Late events of the closing socket (its close, an error) then reach no attempt.
    socket.attempt = undefined;
    ctx.inFlight.delete(this);
    ctx.guard?.release(port, socket);
    if (sourcePort !== undefined) ctx.sourcePorts?.release(sourcePort);
    // An RST instead of a FIN leaves no TIME_WAIT on our side for thousands of sweep sockets.
    if (this.connected && !socket.destroyed) socket.resetAndDestroy();
    else socket.destroy();
    this.done(port, result);
  }
}

function onError(this: SweepSocket, err: NodeJS.ErrnoException): void {
  this.attempt?.failed(err);
}
function onConnect(this: SweepSocket): void {
  this.attempt?.connectedNow();
}
function onData(this: SweepSocket, chunk: Buffer): void {
  this.attempt?.read(chunk);
}
function onEnd(this: SweepSocket): void {
  this.attempt?.tokenVerdict();
}

/** Starts one connect; `done` is called exactly once, never before this returns. */
export function attemptPort(port: number, timeoutMs: number, ctx: AttemptContext, done: AttemptDone): void {
  if (ctx.aborted()) {
    process.nextTick(done, port, { kind: 'aborted' } satisfies AttemptResult);
    return;
  }
  const sourcePort = ctx.sourcePorts?.take();
  new PortAttempt(port, timeoutMs, ctx, new SweepSocket(), sourcePort, done).start();
}
