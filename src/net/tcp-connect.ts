import type { ConnectOutcome } from '../observation/index.js';
import { Socket } from 'node:net';
import { classifyConnectError } from './connect-outcome.js';
import { errnoOf } from './probe-error.js';
import { waitFor } from './wait.js';

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
  const socket = new Socket();
  return waitFor<TcpConnectResult>((w) => {
    const finish = (result: Omit<ConnectOutcome, 'address' | 'port' | 'elapsedMs' | 'timeoutMs'>, keep: boolean) => {
      const outcome: ConnectOutcome = {
        ...result,
        address,
        port,
        elapsedMs: Math.round(performance.now() - started),
        timeoutMs,
      };
      if (keep) return w.resolve({ outcome, socket });
      socket.destroy();
      w.resolve({ outcome });
    };
    const onError = (err: Error): void => {
      const errno = errnoOf(err);
      finish({ state: classifyConnectError(err), ...(errno ? { errno } : {}) }, false);
    };
    w.abortOn(signal, () => finish({ state: 'aborted' }, false));
    if (w.settled) return;
    w.after(timeoutMs, () => finish({ state: classifyConnectError({ timedOut: true }) }, false));
    w.on(socket, 'error', onError);
    w.on(socket, 'connect', () => {
      // A connection error after this point belongs to whoever uses the socket; keep one listener
      // until they attach theirs so an early RST cannot crash the process.
      socket.on('error', () => undefined);
      finish({ state: 'open', localAddress: socket.localAddress, localPort: socket.localPort }, true);
    });
    try {
      socket.connect({ host: address, port });
    } catch (err) {
      // A port outside 1–65535 or an address Node refuses outright: this computer never tried.
      onError(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
