import { ProbeError, asProbeError, errnoOf, tlsHandshake, waitFor } from '../net/index.js';
import type { DataTls, DataTransfer } from '../observation/index.js';
import type { Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';

/**
 * Reads a data connection to its end, counting bytes without keeping them. "No data" (connected,
 * not one byte before the idle limit) and "stalled" (bytes, then silence) are told apart: the first
 * points at a middlebox that lets the handshake through but not the payload, or a server that never
 * started; the second at a path that breaks mid-flow (MTU, an ALG, a state-table timeout).
 */
export function readToEnd(
  socket: Socket | TLSSocket,
  opts: { idleMs: number; maxMs: number; signal: AbortSignal; onData?: (chunk: Buffer) => void },
): Promise<DataTransfer> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  let bytes = 0;
  let firstByteMs: number | undefined;
  return waitFor<DataTransfer>((w) => {
    const finish = (result: DataTransfer['result'], error?: DataTransfer['error']): void => {
      const transfer: DataTransfer = { result, bytes, totalMs: elapsed() };
      if (firstByteMs !== undefined) transfer.firstByteMs = firstByteMs;
      if (error) transfer.error = error;
      w.resolve(transfer);
    };
    const armIdle = (): (() => void) =>
      w.after(opts.idleMs, () => {
        const result = bytes === 0 ? 'no-data' : 'stalled';
        const what = result === 'no-data' ? 'no byte' : 'no further byte';
        finish(result, { code: 'E_TIMEOUT', message: `${what} within ${opts.idleMs} ms (${bytes} bytes so far)` });
      });
    w.abortOn(opts.signal, () => finish('aborted', { code: 'E_ABORTED', message: 'stopped during the transfer' }));
    if (w.settled) return;
    let disarmIdle = armIdle();
    w.after(opts.maxMs, () =>
      finish('stalled', {
        code: 'E_TIMEOUT',
        message: `transfer still running after ${opts.maxMs} ms (${bytes} bytes)`,
      }),
    );
    w.on(socket, 'data', (chunk: Buffer) => {
      if (bytes === 0) firstByteMs = elapsed();
      bytes += chunk.length;
      opts.onData?.(chunk);
      disarmIdle();
      disarmIdle = armIdle();
    });
    w.on(socket, 'end', () => finish('complete'));
    w.on(socket, 'close', () => finish('complete'));
    w.on(socket, 'error', (err: Error) => finish(...socketFailure(err)));
    socket.resume();
  });
}

/** A data socket's error as a transfer's end: a reset, or another error, with its errno. */
export function socketFailure(err: Error): [DataTransfer['result'], NonNullable<DataTransfer['error']>] {
  const errno = errnoOf(err);
  const e = asProbeError(err);
  return [
    e.code === 'E_RESET' ? 'reset' : 'error',
    { code: e.code, message: err.message, ...(errno ? { errno } : {}) },
  ];
}

/**
 * TLS on a data connection, resuming the control connection's session: vsftpd (require_ssl_reuse),
 * proftpd and FileZilla Server refuse a data connection that starts a fresh session (RFC 4217 §10.2).
 */
export async function secureDataConnection(
  socket: Socket,
  opts: {
    session: Buffer | undefined;
    /** The control session's SNI and TLS version pin (control-session.ts tlsOptions). */
    options: Omit<ConnectionOptions, 'socket' | 'rejectUnauthorized'>;
    timeoutMs: number;
    signal: AbortSignal;
  },
): Promise<{ record: DataTls; socket?: TLSSocket }> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    const secure = await tlsHandshake(
      socket,
      { ...opts.options, ...(opts.session ? { session: opts.session } : {}) },
      opts.timeoutMs,
      opts.signal,
    );
    const record: DataTls = { ok: true, sessionReused: secure.isSessionReused(), elapsedMs: elapsed() };
    const protocol = secure.getProtocol();
    if (protocol) record.protocol = protocol;
    return { record, socket: secure };
  } catch (err) {
    const e = err instanceof ProbeError ? err : asProbeError(err, 'E_TLS');
    return { record: { ok: false, error: { code: e.code, message: e.message }, elapsedMs: elapsed() } };
  }
}
