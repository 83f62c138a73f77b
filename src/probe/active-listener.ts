import { errnoOf, waitFor } from '../net/index.js';
import { DESCRIPTOR_ERRNOS } from '../observation/index.js';
import { closeSync, openSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';

/** Upper bound on ports tried when looking for a free one in the user's active range. */
const MAX_PORTS_TRIED = 64;

export type Listening =
  { server: Server; address: string; port: number } | { error: { errno?: string; message: string } };

/**
 * Listens on the first free port of [from, to] on one local address: a user's firewall typically
 * opens a small, known inbound range for active FTP, so the probe must use exactly that range.
 * [0, 0] lets the system pick any free port.
 */
export async function listenInRange(address: string, [from, to]: [number, number]): Promise<Listening> {
  let last: { errno?: string; message: string } = { message: `no port in ${from}-${to}` };
  const end = Math.min(to, from + MAX_PORTS_TRIED - 1);
  for (let port = from; port <= end; port++) {
    const server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: address, port, exclusive: true }, () => {
          server.removeListener('error', reject);
          resolve();
        });
      });
      server.on('error', () => undefined);
      const bound = server.address();
      return { server, address, port: typeof bound === 'object' && bound ? bound.port : port };
    } catch (err) {
      server.close();
      const errno = errnoOf(err);
      last = { ...(errno ? { errno } : {}), message: err instanceof Error ? err.message : String(err) };
      if (errno !== 'EADDRINUSE' && errno !== 'EACCES') break;
    }
  }
  return { error: last };
}

/**
 * The connection may have arrived but this computer could not take it: accept(2) failed (EMFILE,
 * ENFILE). libuv then accepts and closes it with its reserve descriptor, silently, so without this
 * check the server's connection looks like a firewall dropped it.
 */
export interface AcceptFailure {
  errno?: string;
  message: string;
}

/** Whether this process is out of descriptors right now: one open(2) of /dev/null tells. */
export function descriptorShortage(): AcceptFailure | undefined {
  try {
    closeSync(openSync('/dev/null', 'r'));
    return undefined;
  } catch (err) {
    const errno = errnoOf(err);
    if (errno === undefined || !DESCRIPTOR_ERRNOS.has(errno)) return undefined;
    return { errno, message: `out of file descriptors (${errno}); raise the open-file limit (ulimit -n)` };
  }
}

/** The first inbound connection within timeoutMs (undefined if none); later ones are refused by closing the listener. */
export function acceptOne(
  server: Server,
  timeoutMs: number,
  signal: AbortSignal,
): { promise: Promise<Socket | undefined>; cancel: () => void; failure: () => AcceptFailure | undefined } {
  let cancel = (): void => undefined;
  let failure: AcceptFailure | undefined;
  const promise = waitFor<Socket | undefined>((w) => {
    cancel = () => w.resolve(undefined);
    w.abortOn(signal, cancel);
    w.after(timeoutMs, cancel);
    w.on(server, 'connection', (socket: Socket) => {
      socket.on('error', () => undefined);
      w.resolve(socket);
    });
    w.on(server, 'error', (err: Error) => {
      const errno = errnoOf(err);
      failure = { ...(errno ? { errno } : {}), message: err.message };
      w.resolve(undefined);
    });
  });
  return { promise, cancel: () => cancel(), failure: () => failure ?? descriptorShortage() };
}
