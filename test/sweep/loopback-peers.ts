import { createServer, type Server, type Socket } from 'node:net';

/**
 * Scripted peers on real loopback sockets for the sweep tests: listeners on chosen ports of a block
 * below the Linux ephemeral range, each answering a connection its own way.
 */
export type PeerBehaviour = (port: number, socket: Socket) => void;

export interface PeerBlock {
  base: number;
  close(): Promise<void>;
}

const BLOCK_ATTEMPTS = 20;

/** Below Linux's ephemeral range (32768-60999) unless a test wants the overlap. */
const BELOW_EPHEMERAL: [number, number] = [20000, 32767];

/** Listens on `base + offset` for each offset in `behaviours`, on a base where all of them are free. */
export async function listenBlock(
  size: number,
  behaviours: Map<number, PeerBehaviour>,
  within: [number, number] = BELOW_EPHEMERAL,
): Promise<PeerBlock> {
  for (let attempt = 0; attempt < BLOCK_ATTEMPTS; attempt++) {
    const base = within[0] + Math.floor(Math.random() * (within[1] - within[0] - size));
    const servers: Server[] = [];
    const ok = await Promise.all(
      [...behaviours].map(([offset, behave]) =>
        listenOne(base + offset, behave).then((s) => (s ? (servers.push(s), true) : false)),
      ),
    );
    const close = () =>
      Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined);
    if (ok.every(Boolean)) return { base, close };
    await close();
  }
  throw new Error(`no free block of ${size} loopback ports after ${BLOCK_ATTEMPTS} tries`);
}

function listenOne(port: number, behave: PeerBehaviour): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      behave(port, socket);
    });
    server.once('error', () => resolve(undefined));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

export const silentAccept: PeerBehaviour = (_port, socket) => {
  socket.setTimeout(3000, () => socket.destroy());
};

export const token =
  (serverId: string, portShift = 0): PeerBehaviour =>
  (port, socket) =>
    socket.end(`FTPDOCTOR ${serverId} ${port + portShift} ${socket.remoteAddress}\r\n`);

export const say =
  (text: string): PeerBehaviour =>
  (_port, socket) =>
    socket.end(text);
