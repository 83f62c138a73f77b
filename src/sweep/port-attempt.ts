import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { classifyConnectError } from '../probe/connect-outcome.js';
import type { ConnectState } from '../probe/observation.js';
import type { OwnSocketGuard } from './own-socket-guard.js';
import { checkToken, type TokenCheck, tokenComplete } from './sweep-token.js';

/** One TCP connect to one port, with our own timeout (the kernel's SYN retries take ~130 s). */
export type AttemptResult =
  | { kind: 'answer'; connect: Exclude<ConnectState, 'aborted'>; errno?: string; rttMs?: number; token?: TokenCheck }
  /** This computer could not try (descriptors or local ports ran out), or we reached our own socket: try again. */
  | { kind: 'retry-local'; why: 'exhausted' | 'own-socket'; errno?: string }
  | { kind: 'aborted' };

export interface AttemptContext {
  address: string;
  guard: OwnSocketGuard;
  /** Cancels of the attempts in flight; the sweep calls them all on abort (one signal listener, not thousands). */
  cancels: Set<() => void>;
  aborted: () => boolean;
  /** Cooperative mode: read and check the reference server's token for this long after connecting. */
  token?: { serverId: string; waitMs: number };
}

/** errnos that mean this computer ran out of something, never the path's answer. */
const EXHAUSTION = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS', 'ENOMEM']);

export function attemptPort(port: number, timeoutMs: number, ctx: AttemptContext): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const started = performance.now();
    let settled = false;
    let connected = false;
    let received = '';
    let timer: NodeJS.Timeout | undefined;

    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.cancels.delete(onAbort);
      ctx.guard.release(port, socket);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      // An RST instead of a FIN leaves no TIME_WAIT on our side for thousands of sweep sockets.
      if (connected && !socket.destroyed) socket.resetAndDestroy();
      else socket.destroy();
      resolve(result);
    };
    const onAbort = (): void => finish({ kind: 'aborted' });

    const tokenVerdict = (rttMs: number): void => {
      const check = checkToken(received, { serverId: ctx.token?.serverId ?? '', port });
      finish({ kind: 'answer', connect: 'open', rttMs, token: check });
    };

    // The timer may fire in the same loop turn in which the kernel already completed the connect (a busy
    // event loop runs timers before polling I/O); deferring to setImmediate lets that poll happen first.
    const arm = (ms: number, onExpiry: () => void): void => {
      clearTimeout(timer);
      timer = setTimeout(() => setImmediate(onExpiry), ms);
    };

    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (connected) {
        tokenVerdict(performance.now() - started);
        return;
      }
      const errno = err.code;
      if (errno !== undefined && EXHAUSTION.has(errno)) {
        finish({ kind: 'retry-local', why: 'exhausted', errno });
        return;
      }
      const state = classifyConnectError({ errno });
      const answer = state === 'aborted' ? 'local-error' : state;
      finish({ kind: 'answer', connect: answer, errno, rttMs: answer === 'reset' || answer === 'icmp-reject' ? performance.now() - started : undefined });
    });

    socket.once('connect', () => {
      connected = true;
      const rttMs = performance.now() - started;
      if (ctx.guard.connectedToOwnSocket(socket, port)) {
        finish({ kind: 'retry-local', why: 'own-socket' });
        return;
      }
      if (!ctx.token) {
        finish({ kind: 'answer', connect: 'open', rttMs });
        return;
      }
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        received += chunk;
        if (tokenComplete(received)) tokenVerdict(rttMs);
      });
      socket.on('end', () => tokenVerdict(rttMs));
      socket.on('close', () => tokenVerdict(rttMs));
      arm(ctx.token.waitMs, () => tokenVerdict(rttMs));
    });

    if (ctx.aborted()) {
      finish({ kind: 'aborted' });
      return;
    }
    ctx.cancels.add(onAbort);
    arm(timeoutMs, () => {
      if (!connected) finish({ kind: 'answer', connect: 'no-answer' });
    });
    ctx.guard.track(port, socket);
    socket.connect({ host: ctx.address, port });
  });
}
