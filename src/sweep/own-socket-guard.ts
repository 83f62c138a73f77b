import { classifyAddress, sameAddress } from '../ftp/index.js';
import type { Socket } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * When the target is this computer (selftest, loopback), a connect to port P can be answered by the
 * sweep itself: the kernel may pick P as the local ephemeral port (Linux ip_local_port_range 32768-60999
 * overlaps the usual passive ranges), giving a TCP self-connect; or two of our own SYN_SENT sockets,
 * a→b and b→a, meet in a simultaneous open (RFC 793 §3.4). Either looks like an open port with no
 * token. Against a remote target neither can happen, since our SYNs never arrive at our own sockets.
 * The guard tracks in-flight sockets by target port and spots such connections so they are retried.
 * It is needed only for a target of our own whose swept ports our source ports may take (when the sweep
 * binds its source ports outside the swept ranges, see local-port-pool.ts, neither can happen).
 */
/** What the guard reads of a socket: its ends, as getsockname/getpeername report them now. */
export type SocketEnds = Pick<Socket, 'localAddress' | 'localPort' | 'remoteAddress'>;

export class OwnSocketGuard {
  private readonly byTarget = new Map<number, SocketEnds>();
  /** Target ports whose socket was found crossed by its partner, checked when that socket connects. */
  private readonly crossed = new Set<number>();

  track(port: number, socket: SocketEnds): void {
    this.byTarget.set(port, socket);
  }

  release(port: number, socket: SocketEnds): void {
    if (this.byTarget.get(port) === socket) this.byTarget.delete(port);
    this.crossed.delete(port);
  }

  /** After `socket` connected to `port`: is the other end one of our own sockets (or itself)? */
  connectedToOwnSocket(socket: SocketEnds, port: number): boolean {
    if (this.crossed.has(port)) return true;
    const { localAddress, remoteAddress, localPort } = socket;
    if (localAddress === undefined || remoteAddress === undefined || localPort === undefined) return false;
    if (!sameAddress(localAddress, remoteAddress)) return false;
    const partner = this.byTarget.get(localPort);
    if (partner === undefined || partner.localPort !== port) return false;
    if (partner !== socket) this.crossed.add(localPort);
    return true;
  }
}

/** Whether `address` is this computer's: loopback, or an address of one of its interfaces. */
export function isOwnAddress(address: string): boolean {
  if (classifyAddress(address) === 'loopback') return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => sameAddress(i.address, address)));
}
