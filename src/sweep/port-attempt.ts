import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { classifyConnectError } from '../probe/connect-outcome.js';
import type { ConnectState } from '../probe/observation.js';
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
  /** Cancels of the attempts in flight; the sweep calls them all on abort (one signal listener, not thousands). */
  cancels: Set<() => void>;
  clock: LoopTurnClock;
  aborted: () => boolean;
  /** Cooperative mode: read and check the reference server's token for this long after connecting. */
  token?: { serverId: string; waitMs: number };
}

/** errnos that mean this computer ran out of something, never the path's answer. */
const EXHAUSTION = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS', 'ENOMEM']);

export function attemptPort(port: number, timeoutMs: number, ctx: AttemptContext): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const socket = new Socket();
    // Restamped when Node actually issues connect(): a thousand sockets created in one go wait their turn.
    let started = performance.now();
    const elapsed = (): { rttMs: number } => ({ rttMs: Math.max(0, ctx.clock.now() - started) });
    let settled = false;
    let connected = false;
    let connectRtt = { rttMs: 0 };
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const sourcePort = ctx.sourcePorts?.take();

    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.cancels.delete(onAbort);
      ctx.guard?.release(port, socket);
      if (sourcePort !== undefined) ctx.sourcePorts?.release(sourcePort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      // An RST instead of a FIN leaves no TIME_WAIT on our side for thousands of sweep sockets.
      if (connected && !socket.destroyed) socket.resetAndDestroy();
      else socket.destroy();
      resolve(result);
    };
    const onAbort = (): void => finish({ kind: 'aborted' });

    const tokenVerdict = (rtt: { rttMs: number }): void => {
      const check = checkToken(received, { serverId: ctx.token?.serverId ?? '', port });
      finish({ kind: 'answer', connect: 'open', ...rtt, token: check });
    };

    // The timer may fire in the same loop turn in which the kernel already completed the connect (a busy
    // event loop runs timers before polling I/O); deferring to setImmediate lets that poll happen first.
    const arm = (ms: number, onExpiry: () => void): void => {
      clearTimeout(timer);
      timer = setTimeout(() => setImmediate(onExpiry), ms);
    };

    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (connected) {
        tokenVerdict(connectRtt);
        return;
      }
      const errno = err.code;
      // Our chosen source port is taken by another socket of this computer: choose another.
      if (errno === 'EADDRINUSE' && sourcePort !== undefined) {
        finish({ kind: 'retry-local', why: 'source-port-busy', errno });
        return;
      }
      if (errno !== undefined && EXHAUSTION.has(errno)) {
        finish({ kind: 'retry-local', why: 'exhausted', errno });
        return;
      }
      const state = classifyConnectError({ errno });
      const answer = state === 'aborted' ? 'local-error' : state;
      finish({ kind: 'answer', connect: answer, errno, ...(answer === 'reset' || answer === 'icmp-reject' ? elapsed() : {}) });
    });

    socket.once('connect', () => {
      connected = true;
      connectRtt = elapsed();
      const rtt = connectRtt;
      if (ctx.guard?.connectedToOwnSocket(socket, port)) {
        finish({ kind: 'retry-local', why: 'own-socket' });
        return;
      }
      if (!ctx.token) {
        finish({ kind: 'answer', connect: 'open', ...rtt });
        return;
      }
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        received += chunk;
        if (tokenComplete(received)) tokenVerdict(rtt);
      });
      socket.on('end', () => tokenVerdict(rtt));
      socket.on('close', () => tokenVerdict(rtt));
      arm(ctx.token.waitMs, () => tokenVerdict(rtt));
    });

    if (ctx.aborted()) {
      finish({ kind: 'aborted' });
      return;
    }
    ctx.cancels.add(onAbort);
    const noAnswer = (): void => {
      if (!connected) finish({ kind: 'answer', connect: 'no-answer' });
    };
    arm(timeoutMs, noAnswer);
    socket.once('connectionAttempt', () => {
      started = performance.now();
      arm(timeoutMs, noAnswer);
    });
    ctx.guard?.track(port, socket);
    try {
      socket.connect(sourcePort === undefined ? { host: ctx.address, port } : { host: ctx.address, port, localPort: sourcePort });
    } catch (err) {
      // Node validates synchronously (ERR_SOCKET_BAD_PORT…): this computer refused to try.
      finish({ kind: 'answer', connect: 'local-error', errno: (err as NodeJS.ErrnoException).code ?? 'ERR_CONNECT' });
    }
  });
}
