import { sameAddress, unmapIpv4 } from '../ftp/index.js';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * A port waiting for one passive data connection (RFC 959 PASV, RFC 2428 EPSV). Only a connection
 * from the control connection's peer is accepted; any other is closed at once (RFC 2577 §4 warns
 * against handing data to whoever connects first).
 */
export interface PassiveEndpoint {
  readonly port: number;
  /** The first accepted data connection, waiting at most timeoutMs from now. */
  accept(timeoutMs: number): Promise<Socket>;
  /** Resolves once the port can be listened on again. */
  close(): Promise<void>;
}

export class DataConnectionError extends Error {
  constructor(
    readonly code: 'passive-timeout' | 'passive-closed' | 'passive-foreign' | 'active-connect',
    message: string,
    readonly facts: { address?: string; port?: number; errno?: string; elapsedMs?: number } = {},
  ) {
    super(message);
  }
}

/**
 * Holds at most one data socket and at most one waiter; shared by the dedicated listener below
 * and the sweep-mode listeners, which differ only in how the socket arrives.
 */
export class DataSocketSlot {
  private socket: Socket | undefined;
  private waiter: ((s: Socket | Error) => void) | undefined;
  private closed = false;
  /** A connection came from another address than the control peer: the transfer is refused with it. */
  private foreign: DataConnectionError | undefined;

  constructor(
    readonly port: number,
    private readonly onClose: () => void,
  ) {}

  get taken(): boolean {
    return this.socket !== undefined || this.closed;
  }

  offer(socket: Socket): void {
    if (this.closed || this.socket) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    // an error before the transfer starts must not crash the process; the transfer sees the closed socket
    socket.on('error', () => {});
    this.onClose();
    this.waiter?.(socket);
  }

  /**
   * A data connection from another address than the control peer (a NAT pool, a dual-WAN router):
   * closed, and the transfer that waits for this port fails at once, naming both addresses, so a
   * client can tell a changed source address from a blocked port.
   */
  refuse(peer: string, controlPeer: string): void {
    this.foreign ??= new DataConnectionError(
      'passive-foreign',
      `data connection from ${peer}, not from the control connection's address ${controlPeer}`,
      { address: peer, port: this.port },
    );
    this.waiter?.(this.foreign);
  }

  accept(timeoutMs: number): Promise<Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    if (this.foreign) return Promise.reject(this.foreign);
    if (this.closed) return Promise.reject(new DataConnectionError('passive-closed', 'passive port already closed'));
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(
          new DataConnectionError('passive-timeout', `no data connection to port ${this.port} within ${timeoutMs} ms`, {
            port: this.port,
            elapsedMs: Date.now() - started,
          }),
        );
      }, timeoutMs);
      this.waiter = (s) => {
        clearTimeout(timer);
        this.waiter = undefined;
        if (s instanceof Error) reject(s);
        else resolve(s);
      };
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    this.waiter?.(new DataConnectionError('passive-closed', 'passive port closed'));
    if (this.socket && !this.socket.readableEnded) this.socket.destroy();
  }

  /** Gives up the data socket to the transfer that now owns it. */
  release(): void {
    this.socket = undefined;
    this.closed = true;
  }
}

function listenOn(bindAddress: string, port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer({ pauseOnConnect: true });
    server.once('error', () => resolve(undefined));
    server.listen({ host: bindAddress, port, exclusive: true }, () => resolve(server));
  });
}

/** Ports in use by this process's own passive endpoints, skipped without a syscall. */
const ownPorts = new Set<number>();
/**
 * Ports another program held at our last try, skipped for a while: when others fill most of the
 * range, each PASV would otherwise try thousands of listen() calls.
 */
const busyUntil = new Map<number, number>();
const BUSY_MEMORY_MS = 2000;

/**
 * Opens a listener on some port of the range, starting at a random one; ports already in use (by
 * anyone) are skipped, never fatal. Returns undefined only when the whole range is busy.
 */
export async function openPassiveEndpoint(opts: {
  bindAddress: string;
  range: [number, number];
  expectedPeer: string;
}): Promise<PassiveEndpoint | undefined> {
  const [from, to] = opts.range;
  const size = to - from + 1;
  const offset = Math.floor(Math.random() * size);
  const now = Date.now();
  for (let i = 0; i < size; i++) {
    const port = from + ((offset + i) % size);
    if (ownPorts.has(port) || (busyUntil.get(port) ?? 0) > now) continue;
    ownPorts.add(port);
    const server = await listenOn(opts.bindAddress, port);
    if (!server) {
      ownPorts.delete(port);
      busyUntil.set(port, now + BUSY_MEMORY_MS);
      continue;
    }
    busyUntil.delete(port);
    return dedicatedEndpoint(server, port, opts.expectedPeer);
  }
  return undefined;
}

/** Longest wait for a closing listener; its port is skipped until then. */
const CLOSE_WAIT_MS = 1000;

function dedicatedEndpoint(server: Server, port: number, expectedPeer: string): PassiveEndpoint {
  let closing: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_WAIT_MS);
      // the callback waits for connections accepted here too, so a transfer keeps its port reserved
      server.close(() => {
        ownPorts.delete(port);
        clearTimeout(timer);
        resolve();
      });
    }));
  const slot = new DataSocketSlot(port, () => void stop());
  server.on('connection', (socket: Socket) => {
    if (!sameAddress(socket.remoteAddress ?? '', expectedPeer)) {
      socket.destroy();
      slot.refuse(unmapIpv4(socket.remoteAddress ?? ''), expectedPeer);
      return;
    }
    slot.offer(socket);
  });
  return {
    port,
    accept: (ms) => slot.accept(ms).then((s) => (slot.release(), s)),
    close: () => {
      slot.close();
      return stop();
    },
  };
}
