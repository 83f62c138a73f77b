import { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isOwnAddress, OwnSocketGuard } from '../../src/sweep/own-socket-guard.js';
import { listenBlock, silentAccept } from './loopback-peers.js';

const sockets: Socket[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of closers.splice(0)) await c();
});

/** Connects from a chosen local port, tracked by the guard like a sweep attempt. */
function connectFrom(guard: OwnSocketGuard, localPort: number, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    sockets.push(socket);
    guard.track(port, socket);
    socket.once('error', reject);
    socket.once('connect', () => resolve(socket));
    socket.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1', localPort });
  });
}

/** A free pair of loopback ports below the ephemeral range, with nothing listening on them. */
async function freePorts(n: number): Promise<number[]> {
  const b = await listenBlock(n, new Map());
  await b.close();
  return Array.from({ length: n }, (_, i) => b.base + i);
}

describe('OwnSocketGuard spots connections answered by the sweep itself', () => {
  it('a TCP self-connect (local port = target port) on loopback', async () => {
    const [p] = await freePorts(1);
    const guard = new OwnSocketGuard();
    const s = await connectFrom(guard, p!, p!);
    expect(s.remotePort).toBe(p);
    expect(guard.connectedToOwnSocket(s, p!)).toBe(true);
  });

  it('two of our sockets meeting in a simultaneous open (a→b, b→a), both flagged', () => {
    // Loopback delivers a SYN before the partner's SYN is sent, so a real crossing cannot be staged here;
    // the guard only reads the sockets' ends, given as getsockname/getpeername would report them.
    const guard = new OwnSocketGuard();
    const a = { localAddress: '127.0.0.1', localPort: 61000, remoteAddress: '127.0.0.1' };
    const b = { localAddress: '127.0.0.1', localPort: 61001, remoteAddress: '127.0.0.1' };
    guard.track(61001, a);
    guard.track(61000, b);
    expect(guard.connectedToOwnSocket(a, 61001)).toBe(true);
    guard.release(61001, a);
    expect(guard.connectedToOwnSocket(b, 61000)).toBe(true);
  });

  it('a remote target can never be our own socket, even with matching ports', () => {
    const guard = new OwnSocketGuard();
    const a = { localAddress: '10.0.0.2', localPort: 61000, remoteAddress: '10.0.0.9' };
    guard.track(61000, a);
    expect(guard.connectedToOwnSocket(a, 61000)).toBe(false);
  });

  it('a real listener on loopback is not our own socket', async () => {
    const b = await listenBlock(1, new Map([[0, silentAccept]]));
    closers.push(() => b.close());
    const guard = new OwnSocketGuard();
    const [local] = await freePorts(1);
    const s = await connectFrom(guard, local!, b.base);
    expect(guard.connectedToOwnSocket(s, b.base)).toBe(false);
  });
});

describe('isOwnAddress', () => {
  it.each<[string, boolean]>([
    ['127.0.0.1', true],
    ['127.3.2.1', true],
    ['::1', true],
    ['203.0.113.10', false],
    ['2001:db8::1', false],
  ])('%s -> %s', (address, own) => {
    expect(isOwnAddress(address)).toBe(own);
  });
});
