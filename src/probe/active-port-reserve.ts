import { unmapIpv4 } from '../ftp/index.js';
import { listenInRange, type Listening } from './active-listener.js';

/**
 * Listeners bound in the user's active range before the sweep starts beside the active probes.
 * The sweep opens thousands of outbound connections, each on an ephemeral port the kernel picks;
 * Linux's range (32768-60999) and Windows' (49152-65535, Microsoft KB 929851) cover the ranges
 * people open for active FTP, so a probe binding its port later can find it taken by the sweep
 * (EADDRINUSE: a false "cannot listen"). A port already listening is skipped by the kernel's
 * choice of ephemeral port (Linux __inet_hash_connect), so binding first is enough.
 */
export interface ActivePortReserve {
  /** A bound listener on this local address, or none (then the probe binds its own). */
  take(address: string): Listening | undefined;
  /** Closes the listeners no probe took. */
  release(): void;
}

export async function reserveActivePorts(
  address: string,
  [from, to]: [number, number],
  count: number,
): Promise<ActivePortReserve> {
  const held: Array<Extract<Listening, { server: unknown }>> = [];
  let next = from;
  for (let i = 0; i < count && next <= to; i++) {
    const listening = await listenInRange(address, [next, to]);
    if ('error' in listening) break;
    held.push(listening);
    next = listening.port + 1;
  }
  return {
    take: (wanted) => (unmapIpv4(wanted) === address ? held.shift() : undefined),
    release: () => {
      for (const l of held.splice(0)) l.server.close();
    },
  };
}
