import { formatRanges, mergeRanges, sameAddress, unmapIpv4 } from '../ftp/index.js';
import { createServer, type Server, type Socket } from 'node:net';
import { DataSocketSlot, type PassiveEndpoint } from './passive-ports.js';

/**
 * Sweep mode: one listener on every port of the passive range, so a client can test which ports
 * of the range get through a firewall. A connection from the control peer to a port that this
 * peer's session just advertised in 227/229 becomes that session's data connection; any other
 * connection gets "FTPDOCTOR <serverId> <port> <peer>\r\n" and is closed. The token proves the
 * connection reached this server and not a middlebox that answers on every port.
 */

const LISTEN_BATCH = 256;
/** File descriptors given back when the open-file limit stops the sweep, so sessions can still open. */
const FD_HEADROOM = 256;

interface Expectation {
  peer: string;
  slot: DataSocketSlot;
}

export class SweepListeners {
  private readonly servers: Server[] = [];
  private readonly expectations = new Map<number, Expectation>();
  /** Ports actually listening, ascending (ports in use by others are skipped). */
  readonly ports: number[] = [];
  /** Ports not listening, by errno: EADDRINUSE (someone else's), EMFILE (the open-file limit, ulimit -n). */
  readonly skipped = new Map<string, number>();

  private constructor(private readonly serverId: string) {}

  static async start(opts: {
    host: string | undefined;
    range: [number, number];
    serverId: string;
  }): Promise<SweepListeners> {
    const sweep = new SweepListeners(opts.serverId);
    const [from, to] = opts.range;
    for (let start = from; start <= to; start += LISTEN_BATCH) {
      const batch: Array<Promise<void>> = [];
      for (let port = start; port <= Math.min(to, start + LISTEN_BATCH - 1); port++)
        batch.push(sweep.listen(opts.host, port));
      await Promise.all(batch);
    }
    if (sweep.skipped.has('EMFILE')) await sweep.releaseHeadroom();
    sweep.ports.sort((a, b) => a - b);
    return sweep;
  }

  private listen(host: string | undefined, port: number): Promise<void> {
    return new Promise((resolve) => {
      const server = createServer({ pauseOnConnect: true }, (socket) => this.route(port, socket));
      server.once('error', (err: NodeJS.ErrnoException) => {
        const errno = err.code ?? 'unknown';
        this.skipped.set(errno, (this.skipped.get(errno) ?? 0) + 1);
        resolve();
      });
      server.listen({ host, port, exclusive: true, backlog: 64 }, () => {
        this.servers.push(server);
        this.ports.push(port);
        resolve();
      });
    });
  }

  private async releaseHeadroom(): Promise<void> {
    const released = this.servers.splice(-FD_HEADROOM);
    const ports = new Set(released.map((server) => (server.address() as { port: number }).port));
    this.ports.splice(0, this.ports.length, ...this.ports.filter((p) => !ports.has(p)));
    this.skipped.set('EMFILE', (this.skipped.get('EMFILE') ?? 0) + released.length);
    await Promise.all(released.map((server) => new Promise<void>((r) => server.close(() => r()))));
  }

  private route(port: number, socket: Socket): void {
    socket.on('error', () => {});
    const peer = unmapIpv4(socket.remoteAddress ?? '');
    const expected = this.expectations.get(port);
    if (expected && sameAddress(peer, expected.peer) && !expected.slot.taken) {
      this.expectations.delete(port);
      expected.slot.offer(socket);
      return;
    }
    // reading lets the client's FIN close the socket at once instead of waiting for the timeout
    socket.resume();
    socket.end(`FTPDOCTOR ${this.serverId} ${port} ${peer}\r\n`);
    socket.setTimeout(2000, () => socket.destroy());
  }

  /** Picks a free port of the range for a PASV/EPSV of the session whose control peer is `peer`. */
  reserve(peer: string): PassiveEndpoint | undefined {
    const free = this.ports.length - this.expectations.size;
    if (free <= 0) return undefined;
    const start = Math.floor(Math.random() * this.ports.length);
    for (let i = 0; i < this.ports.length; i++) {
      const port = this.ports[(start + i) % this.ports.length] as number;
      if (this.expectations.has(port)) continue;
      const slot = new DataSocketSlot(port, () => {
        if (this.expectations.get(port)?.slot === slot) this.expectations.delete(port);
      });
      this.expectations.set(port, { peer, slot });
      return {
        port,
        accept: (ms) => slot.accept(ms).then((s) => (slot.release(), s)),
        close: () => {
          slot.close();
          return Promise.resolve();
        },
      };
    }
    return undefined;
  }

  /** "60000-60010,60012-65535": the listening ports as ranges, for SITE FTPDOCTOR SWEEP. */
  rangesText(): string {
    return formatRanges(mergeRanges(this.ports.map((port): [number, number] => [port, port])));
  }

  async close(): Promise<void> {
    for (const e of this.expectations.values()) e.slot.close();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
