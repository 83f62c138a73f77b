import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface FtpReply {
  code: number;
  /** All lines joined with "\n", CRLF removed. */
  text: string;
  lines: string[];
}

/**
 * A bare control-channel client for checking the exact replies the server sends (the real clients
 * hide them). Every wait is bounded by timeoutMs.
 */
export class ControlClient {
  private buffer = '';
  private readonly replies: FtpReply[] = [];
  private waiters: Array<(r: FtpReply | Error) => void> = [];
  private partial: string[] = [];
  closed = false;

  private constructor(
    public socket: Socket | TLSSocket,
    private readonly timeoutMs: number,
  ) {
    this.attach(socket);
  }

  static async open(
    host: string,
    port: number,
    timeoutMs = 3000,
    localAddress?: string,
  ): Promise<{ client: ControlClient; greeting: FtpReply }> {
    const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new ControlClient(socket, timeoutMs);
    return { client, greeting: await client.next() };
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w(new Error('control connection closed'));
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let i = this.buffer.indexOf('\r\n'); i >= 0; i = this.buffer.indexOf('\r\n')) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      this.partial.push(line);
      const first = this.partial[0] ?? '';
      const code = first.slice(0, 3);
      const done = this.partial.length === 1 ? line[3] !== '-' : line.startsWith(`${code} `);
      if (!done) continue;
      const reply = { code: Number(code), text: this.partial.join('\n'), lines: this.partial };
      this.partial = [];
      const waiter = this.waiters.shift();
      if (waiter) waiter(reply);
      else this.replies.push(reply);
    }
  }

  next(): Promise<FtpReply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closed) return Promise.reject(new Error('control connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no reply within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const waiter = (r: FtpReply | Error): void => {
        clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      this.waiters.push(waiter);
    });
  }

  send(line: string): Promise<FtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }

  writeRaw(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** AUTH TLS then the client side of the handshake (RFC 4217 §4). */
  async startTls(): Promise<TLSSocket> {
    const reply = await this.send('AUTH TLS');
    if (reply.code !== 234) throw new Error(`AUTH TLS refused: ${reply.text}`);
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    const tls = tlsConnect({ socket: raw, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      tls.once('secureConnect', resolve);
      tls.once('error', reject);
    });
    this.socket = tls;
    this.attach(tls);
    return tls;
  }

  async login(user = 'anonymous', password = 'probe@example.org'): Promise<FtpReply> {
    const u = await this.send(`USER ${user}`);
    if (u.code !== 331) return u;
    return this.send(`PASS ${password}`);
  }

  /** Resolves when the server has closed the connection, or rejects after timeoutMs. */
  waitClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still open after ${this.timeoutMs} ms`)), this.timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Reads everything a data connection sends until the server closes it. */
export function readAll(socket: Socket | TLSSocket, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`data not finished within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

export function connectData(host: string, port: number, timeoutMs = 3000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`data connect to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
