import type { ConnectOutcome } from '../observation/index.js';
import { Socket } from 'node:net';
import { classifyConnectError } from './connect-outcome.js';
import { errnoOf } from './probe-error.js';

export interface TcpConnectResult {
  outcome: ConnectOutcome;
  /** Present only when the connect succeeded; the caller owns it. */
  socket?: Socket;
}

/**
 * One TCP connect with our own timeout: a DROP leaves the kernel retrying SYNs for about two
 * minutes, which no user waits for. Never throws; every ending is a classified ConnectOutcome.
 */
export function connectTcp(opts: {
  address: string;
  port: number;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<TcpConnectResult> {
  const { address, port, timeoutMs, signal } = opts;
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = new Socket();
    let settled = false;
    const finish = (
      result: Omit<ConnectOutcome, 'address' | 'port' | 'elapsedMs' | 'timeoutMs'>,
      keep: boolean,
    ): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      socket.removeListener('connect', onConnect);
      const outcome: ConnectOutcome = {
        ...result,
        address,
        port,
        elapsedMs: Math.round(performance.now() - started),
        timeoutMs,
      };
      if (keep) {
        resolve({ outcome, socket });
      } else {
        socket.destroy();
        resolve({ outcome });
      }
    };
    const onError = (err: Error): void => {
      const errno = errnoOf(err);
      finish({ state: classifyConnectError(err), ...(errno ? { errno } : {}) }, false);
    };
    const onConnect = (): void => {
      // A connection error after this point belongs to whoever uses the socket; keep one listener
      // until they attach theirs so an early RST cannot crash the process.
      socket.on('error', () => undefined);
      finish({ state: 'open', localAddress: socket.localAddress, localPort: socket.localPort }, true);
    };
    const onAbort = (): void => finish({ state: 'aborted' }, false);
    const timer = setTimeout(() => finish({ state: classifyConnectError({ timedOut: true }) }, false), timeoutMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', onConnect);
    try {
      socket.connect({ host: address, port });
    } catch (err) {
      // A port outside 1–65535 or an address Node refuses outright: this computer never tried.
      onError(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
