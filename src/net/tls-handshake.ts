import type { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { ProbeError, errnoOf } from './probe-error.js';

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
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ ...options, socket, rejectUnauthorized: false });
    let settled = false;
    const done = (err: ProbeError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      tls.removeListener('secureConnect', onSecure);
      tls.removeListener('error', onError);
      tls.removeListener('close', onClose);
      if (err) {
        tls.on('error', () => undefined);
        tls.destroy();
        reject(err);
      } else {
        resolve(tls);
      }
    };
    const elapsed = (): number => Math.round(performance.now() - started);
    const onSecure = (): void => done(undefined);
    const onError = (err: Error): void =>
      done(new ProbeError('E_TLS', err.message, { elapsedMs: elapsed() }, errnoOf(err)));
    const onClose = (): void =>
      done(new ProbeError('E_TLS', 'connection closed during the TLS handshake', { elapsedMs: elapsed() }));
    const onAbort = (): void =>
      done(new ProbeError('E_ABORTED', 'stopped during the TLS handshake', { elapsedMs: elapsed() }));
    const timer = setTimeout(
      () => done(new ProbeError('E_TIMEOUT', `no TLS handshake within ${timeoutMs} ms`, { elapsedMs: elapsed() })),
      timeoutMs,
    );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    tls.once('secureConnect', onSecure);
    tls.once('error', onError);
    tls.once('close', onClose);
  });
}
