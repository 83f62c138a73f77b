import { readFileSync } from 'node:fs';

/**
 * Source ports for sweep sockets. Left to the kernel, a connect() takes its local port from the
 * ephemeral range — Linux 32768-60999 overlaps the usual passive range 60000-65535 — and then a
 * firewall rule written without a direction ("tcp dport 60000-65535 drop") drops the SYN-ACK coming
 * back to our port 60500 and makes an open target port look blocked: the answer would describe our
 * own port, not the server's. So when the ephemeral range overlaps the ranges under test, the sweep
 * binds each socket explicitly to an ephemeral port outside them.
 */

/** RFC 6335 §6: the IANA dynamic range, which BSD, macOS and Windows use by default. */
const IANA_EPHEMERAL: [number, number] = [49152, 65535];
/** Fewer free source ports than this and pinning would throttle the sweep: let the kernel choose. */
const MIN_POOL = 2048;

export function readEphemeralRange(): { range: [number, number]; measured: boolean } {
  try {
    const [from, to] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (from !== undefined && to !== undefined && from > 0 && to >= from) return { range: [from, to], measured: true };
  } catch {
    // not Linux: assume the IANA default
  }
  return { range: IANA_EPHEMERAL, measured: false };
}

/**
 * The part of the ephemeral range outside the swept ranges (both sorted, merged), or undefined when
 * the kernel's own choice is safe (no overlap) or too little would be left.
 */
export function sourcePortRanges(
  ephemeral: readonly [number, number],
  swept: ReadonlyArray<readonly [number, number]>,
): Array<[number, number]> | undefined {
  const overlaps = swept.some(([from, to]) => from <= ephemeral[1] && to >= ephemeral[0]);
  if (!overlaps) return undefined;
  const free: Array<[number, number]> = [];
  let next = ephemeral[0];
  for (const [from, to] of swept) {
    if (to < next || from > ephemeral[1]) continue;
    if (from > next) free.push([next, from - 1]);
    next = Math.max(next, to + 1);
  }
  if (next <= ephemeral[1]) free.push([next, ephemeral[1]]);
  const size = free.reduce((n, [from, to]) => n + to - from + 1, 0);
  return size >= MIN_POOL ? free : undefined;
}

/** Hands out source ports round-robin, never one the sweep holds, so a port is reused as late as possible. */
export class LocalPortPool {
  private readonly ports: number[] = [];
  private readonly held = new Set<number>();
  private cursor = 0;

  constructor(readonly ranges: ReadonlyArray<readonly [number, number]>) {
    for (const [from, to] of ranges) for (let p = from; p <= to; p++) this.ports.push(p);
    this.cursor = Math.floor(Math.random() * this.ports.length);
  }

  take(): number | undefined {
    for (let i = 0; i < this.ports.length; i++) {
      const port = this.ports[this.cursor]!;
      this.cursor = (this.cursor + 1) % this.ports.length;
      if (!this.held.has(port)) {
        this.held.add(port);
        return port;
      }
    }
    return undefined;
  }

  release(port: number): void {
    this.held.delete(port);
  }
}
