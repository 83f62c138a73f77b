import { createServer, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/**
 * A misbehaving FTP server on a real loopback socket, scripted per test: each scenario decides what
 * the server writes and when. Everything it opens is closed by close(), even mid-conversation.
 */
export interface ScriptedServer {
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startScripted(host: string, onConnection: (socket: Socket) => void): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host,
    port,
    get accepted() {
      return accepted;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A line-by-line conversation: the greeting, then one answer per command line (CRLF or LF).
 * `answer` returns what to write (exactly, no terminator added) or undefined to stay silent.
 * With `tls`, "AUTH TLS" is answered 234 and the conversation goes on over the server side of TLS.
 */
export function converse(
  socket: Socket,
  greeting: string,
  answer: (command: string, socket: Socket) => string | undefined,
  tls?: { wrap(socket: Socket): TLSSocket },
): void {
  if (greeting) socket.write(greeting);
  let current: Socket = socket;
  let pending = '';
  const onData = (chunk: Buffer): void => {
    pending += chunk.toString('latin1');
    let lf: number;
    while ((lf = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, lf).replace(/\r$/, '');
      pending = pending.slice(lf + 1);
      if (tls && current === socket && line.toUpperCase() === 'AUTH TLS') {
        socket.write('234 Proceed with negotiation.\r\n');
        socket.removeListener('data', onData);
        current = tls.wrap(socket);
        current.on('error', () => undefined);
        current.on('data', onData);
        continue;
      }
      const reply = answer(line, current);
      if (reply !== undefined && !current.destroyed) current.write(reply);
    }
  };
  socket.on('data', onData);
}

/** A data listener on loopback whose first accepted connection gets `behaviour`. */
export async function startDataListener(host: string, behaviour: (socket: Socket) => void): Promise<ScriptedServer> {
  return startScripted(host, behaviour);
}

/** PASV answer for a port, naming any address (RFC 959 §4.1.2 host-port numbers, unchecked on purpose). */
export function pasvReply(numbers: string, eol = '\r\n'): string {
  return `227 Entering Passive Mode (${numbers}).${eol}`;
}

export function hostPortNumbers(address: string, port: number): string {
  return `${address.split('.').join(',')},${port >> 8},${port & 255}`;
}
