import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { connectActive } from './active-connector.js';
import { replyFsError } from './fs-replies.js';
import { FsError } from './virtual-fs.js';
import type { Session } from './session.js';

/** Time given to the client to close its end after the last byte before the socket is dropped. */
const LINGER_MS = 5000;

class TransferAborted extends Error {
  constructor(readonly reason: 'abor' | 'timeout' | 'tls-reuse') {
    super(reason);
  }
}

async function openDataSocket(s: Session): Promise<Socket> {
  const setup = s.data;
  s.data = undefined; // a data setup serves one transfer (RFC 959 §3.2)
  if (!setup) throw new Error('no data setup');
  const { config } = s.ctx;
  if (setup.kind === 'passive') {
    s.abortTransfer = () => void setup.endpoint.close();
    try {
      return await setup.endpoint.accept(config.limits.dataConnectTimeoutMs);
    } finally {
      void setup.endpoint.close();
    }
  }
  return connectActive({
    address: setup.address,
    port: setup.port,
    localAddress: s.localAddress,
    localPort: config.activeSourcePort,
    timeoutMs: config.limits.dataConnectTimeoutMs,
  });
}

function handshake(s: Session, raw: Socket): Promise<TLSSocket> {
  const tls = s.ctx.tls.wrap(raw);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      tls.destroy();
      reject(new Error(`no TLS handshake within ${s.ctx.config.limits.dataConnectTimeoutMs} ms`));
    }, s.ctx.config.limits.dataConnectTimeoutMs);
    s.abortTransfer = () => tls.destroy(new TransferAborted('abor'));
    tls.once('secure', () => {
      clearTimeout(timer);
      resolve(tls);
    });
    tls.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Runs one transfer command: opens the data connection (passive accept or active connect), sends
 * 150, protects it with TLS under PROT P (RFC 4217 §9), hands it to `body`, and ends with 226 on
 * success, 425 when no connection could be made, 426 when it broke (RFC 959 §4.2.2, §5.4).
 */
export function runTransfer(s: Session, what: string, body: (data: Duplex) => Promise<void>): Promise<void> {
  const finished = transfer(s, what, body).finally(() => {
    if (s.transferFinished === finished) s.transferFinished = undefined;
  });
  s.transferFinished = finished;
  return finished;
}

async function transfer(s: Session, what: string, body: (data: Duplex) => Promise<void>): Promise<void> {
  s.restOffset = 0;
  if (!s.data) return s.reply(425, 'Use PORT, EPRT, PASV or EPSV first.');
  let raw: Socket;
  try {
    raw = await openDataSocket(s);
  } catch (err) {
    s.abortTransfer = undefined;
    return s.reply(425, `Can't open data connection: ${(err as Error).message}.`);
  }
  s.abortTransfer = () => raw.destroy(new TransferAborted('abor'));
  s.reply(150, `Opening ${s.binary ? 'BINARY' : 'ASCII'} mode data connection for ${what}.`);
  let socket: Socket = raw;
  try {
    if (s.protectData) {
      const tls = await handshake(s, raw);
      socket = tls;
      if (s.ctx.config.requireTlsReuse && !tls.isSessionReused()) throw new TransferAborted('tls-reuse');
    }
    const limits = s.ctx.config.limits;
    s.abortTransfer = () => socket.destroy(new TransferAborted('abor'));
    socket.setTimeout(limits.dataIdleTimeoutMs, () => socket.destroy(new TransferAborted('timeout')));
    await body(socket);
    socket.setTimeout(LINGER_MS, () => socket.destroy());
    // A passive socket arrives paused and a listing only writes: read on, so the client's FIN closes
    // it now instead of holding the descriptor and the passive port for the whole linger.
    socket.resume();
    s.reply(226, 'Transfer complete.');
  } catch (err) {
    socket.destroy();
    raw.destroy();
    replyTransferFailure(s, err);
  } finally {
    s.abortTransfer = undefined;
  }
}

/** The TransferAborted behind an error, whether thrown directly or wrapped by a stream pipeline. */
function abortReason(err: unknown): TransferAborted['reason'] | undefined {
  if (err instanceof TransferAborted) return err.reason;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof TransferAborted ? cause.reason : undefined;
}

function replyTransferFailure(s: Session, err: unknown): void {
  switch (abortReason(err)) {
    case 'tls-reuse':
      // vsftpd's wording (require_ssl_reuse), which clients and the diagnosis already know
      return s.reply(522, 'SSL connection failed: session reuse required');
    case 'timeout':
      return s.reply(426, `Data connection idle for ${s.ctx.config.limits.dataIdleTimeoutMs} ms; transfer aborted.`);
    case 'abor':
      return s.reply(426, 'Connection closed; transfer aborted.');
  }
  if (err instanceof FsError) return replyFsError(s, err);
  const code = (err as NodeJS.ErrnoException).code;
  if (code?.startsWith('ERR_SSL') || (err as Error).message?.includes('TLS')) {
    return s.reply(425, `Can't open data connection: TLS failed: ${(err as Error).message}.`);
  }
  s.reply(426, `Connection closed; transfer aborted (${code ?? (err as Error).message}).`);
}
