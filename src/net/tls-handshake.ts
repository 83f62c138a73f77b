import type { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { ProbeError, errnoOf } from './probe-error.js';
import { waitFor } from './wait.js';

/**
 * Runs a TLS client handshake over an already connected TCP socket (RFC 4217: the FTP client is
 * the TLS client on control and data connections alike). Certificates are never rejected here:
 * the caller reads `authorized` and decides, so an untrusted certificate is recorded, not lost.
 */
export function tlsHandshake(
  socket: Socket,
  options: Omit<ConnectionOptions, 'socket' | 'rejectUnauthorized'>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<TLSSocket> {
  const started = performance.now();
  const tls = tlsConnect({ ...options, socket, rejectUnauthorized: false });
  return waitFor<TLSSocket>((w) => {
    const elapsed = (): number => Math.round(performance.now() - started);
    const fail = (err: ProbeError): void => {
      if (w.settled) return;
      w.reject(err);
      tls.on('error', () => undefined);
      tls.destroy();
    };
    w.abortOn(signal, () =>
      fail(new ProbeError('E_ABORTED', 'stopped during the TLS handshake', { elapsedMs: elapsed() })),
    );
    w.after(timeoutMs, () =>
      fail(new ProbeError('E_TIMEOUT', `no TLS handshake within ${timeoutMs} ms`, { elapsedMs: elapsed() })),
    );
    w.on(tls, 'secureConnect', () => w.resolve(tls));
    w.on(tls, 'error', (err: Error) =>
      fail(new ProbeError('E_TLS', err.message, { elapsedMs: elapsed() }, errnoOf(err))),
    );
    w.on(tls, 'close', () =>
      fail(new ProbeError('E_TLS', 'connection closed during the TLS handshake', { elapsedMs: elapsed() })),
    );
  });
}
