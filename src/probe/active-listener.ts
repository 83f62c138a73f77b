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

/**
 * Watches the listener for the server's data connection from before PORT/EPRT is sent: RFC 959
 * leaves the moment open, and servers differ. pyftpdlib (and some Windows servers) connect while
 * handling PORT and only then reply "200 Active data connection established.", later answering the
 * transfer command with 125 (RFC 959 §4.2: "Data connection already open; transfer starting");
 * vsftpd, proftpd and pure-ftpd connect after the transfer command. The first connection is kept;
 * any later one is closed at once.
 */
export interface InboundWatch {
  /** Settles with the first connection, or undefined once the watch stops (stop, abort, accept failure). */
  readonly arrival: Promise<Socket | undefined>;
  /** The connection if it has arrived already. */
  readonly socket: Socket | undefined;
  /** performance.now() when it arrived. */
  readonly arrivedAt: number | undefined;
  /** The connection, waiting at most timeoutMs more for it. */
  wait(timeoutMs: number): Promise<Socket | undefined>;
  /** Stops watching; a connection that arrives later is closed. */
  stop(): void;
  failure(): AcceptFailure | undefined;
}

export function watchInbound(server: Server, signal: AbortSignal): InboundWatch {
  let socket: Socket | undefined;
  let arrivedAt: number | undefined;
  let failure: AcceptFailure | undefined;
  let stopped = false;
  let settle: (socket: Socket | undefined) => void = () => undefined;
  const arrival = new Promise<Socket | undefined>((resolve) => {
    settle = resolve;
  });
  const onConnection = (incoming: Socket): void => {
    incoming.on('error', () => undefined);
    if (socket || stopped) {
      incoming.destroy();
      return;
    }
    socket = incoming;
    arrivedAt = performance.now();
    settle(incoming);
  };
  const onAcceptError = (err: Error): void => {
    const errno = errnoOf(err);
    failure = { ...(errno ? { errno } : {}), message: err.message };
    settle(undefined);
  };
  const stop = (): void => {
    stopped = true;
    signal.removeEventListener('abort', stop);
    server.removeListener('error', onAcceptError);
    settle(undefined);
  };
  server.on('connection', onConnection);
  server.on('error', onAcceptError);
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  return {
    arrival,
    get socket() {
      return socket;
    },
    get arrivedAt() {
      return arrivedAt;
    },
    wait: (timeoutMs) =>
      waitFor<Socket | undefined>((w) => {
        w.after(timeoutMs, () => w.resolve(undefined));
        void arrival.then((arrived) => w.resolve(arrived));
      }),
    stop,
    failure: () => failure ?? descriptorShortage(),
  };
}
