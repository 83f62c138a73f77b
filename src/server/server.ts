import { unmapIpv4 } from '../ftp/index.js';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { resolveConfig, type ServerConfig, type ServerOptions } from './config.js';
import { DemoTree } from './demo-tree.js';
import { ListingCache } from './listing-cache.js';
import { LoginThrottle } from './login-throttle.js';
import { formatReply } from './reply.js';
import { RootFs } from './root-fs.js';
import type { ServerContext } from './server-context.js';
import { Session } from './session.js';
import { SessionLimits } from './session-limits.js';
import { SweepListeners } from './sweep-listeners.js';
import { createTlsIdentity } from './tls-identity.js';

export interface RunningServer {
  host: string;
  port: number;
  implicitPort?: number;
  serverId: string;
  config: ServerConfig;
  /** Ports of the passive range that listen in sweep mode (others were in use). */
  sweepPorts?: readonly number[];
  close(): Promise<void>;
}

/** Why the server could not start, with the facts needed to fix it. */
export class ServerStartError extends Error {
  constructor(
    readonly code: 'listen-failed' | 'bad-config' | 'bad-root',
    message: string,
    readonly facts: { address?: string; port?: number; errno?: string } = {},
  ) {
    super(message);
  }
}

function checkConfig(c: ServerConfig): void {
  const [from, to] = c.pasvRange;
  const valid = (p: number): boolean => Number.isInteger(p) && p >= 1 && p <= 65535;
  if (!valid(from) || !valid(to) || from > to)
    throw new ServerStartError('bad-config', `passive range ${from}-${to} is not a port range`);
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535)
    throw new ServerStartError('bad-config', `port ${c.port} is not a TCP port`);
  if ((c.user === undefined) !== (c.password === undefined)) {
    throw new ServerStartError('bad-config', 'an account needs both a user name and a password');
  }
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) {
    throw new ServerStartError('bad-config', 'a TLS certificate needs its key, and a key its certificate');
  }
}

function listen(server: Server, host: string | undefined, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new ServerStartError(
          'listen-failed',
          `cannot listen on ${host ?? '*'} port ${port}: ${err.code ?? err.message}`,
          {
            address: host,
            port,
            errno: err.code,
          },
        ),
      ),
    );
    server.listen({ host, port, backlog: 1024 }, () => resolve(server.address() as AddressInfo));
  });
}

async function openFs(config: ServerConfig) {
  if (config.root === undefined) return new DemoTree(config.writable, config.limits.maxMemoryFileBytes);
  try {
    return await RootFs.open(config.root, config.writable);
  } catch (err) {
    throw new ServerStartError('bad-root', `cannot serve --root ${config.root}: ${(err as Error).message}`);
  }
}

/** Starts the reference server: control listener, optional implicit-FTPS listener and sweep listeners. */
export async function startServer(partial: ServerOptions): Promise<RunningServer> {
  const config = resolveConfig(partial);
  checkConfig(config);
  const serverId = randomBytes(4).toString('hex');
  const log = config.log;
  const [fs, tls] = await Promise.all([openFs(config), createTlsIdentity(config.tlsCert, config.tlsKey)]);
  const sweep = config.sweepMode
    ? await SweepListeners.start({ host: config.host, range: config.pasvRange, serverId })
    : undefined;
  if (sweep && sweep.skipped.size > 0) {
    const reasons = [...sweep.skipped].map(([errno, n]) => `${n} ${errno}`).join(', ');
    log?.(
      `sweep mode: ${sweep.ports.length} of ${config.pasvRange[1] - config.pasvRange[0] + 1} ports listening; skipped ${reasons}${sweep.skipped.has('EMFILE') ? ' (raise the open-file limit: ulimit -n)' : ''}`,
    );
  }
  const ctx: ServerContext = {
    config,
    serverId,
    fs,
    listings: new ListingCache(fs),
    tls,
    sweep,
    throttle: new LoginThrottle(config.limits.loginFailureDelayMs),
    log,
  };
  const limits = new SessionLimits(config.limits);
  const sessions = new Set<Session>();

  const admit = (socket: Socket, implicitTls: boolean): void => {
    // replies are small and sent back to back (150 then 226): without this, Nagle waits for the
    // client's delayed ACK and every transfer gains ~40 ms
    socket.setNoDelay(true);
    const peer = unmapIpv4(socket.remoteAddress ?? '');
    const refusal = limits.admit(peer);
    if (refusal) {
      // RFC 959 §5.4: 421 is the reply a server sends when it must close the control connection
      log?.(`refused ${peer}:${socket.remotePort}: ${refusal}`);
      socket.on('error', () => {});
      socket.setTimeout(5000, () => socket.destroy());
      if (!implicitTls) return void socket.end(formatReply(421, refusal));
      // implicit FTPS: the 421 can only be read inside TLS
      const secure = ctx.tls.wrap(socket);
      secure.on('error', () => socket.destroy());
      secure.once('secure', () => secure.end(formatReply(421, refusal)));
      return;
    }
    const session = new Session(ctx, socket, () => {
      sessions.delete(session);
      limits.release(peer);
    });
    sessions.add(session);
    if (implicitTls) session.startImplicitTls();
    else session.start();
  };

  const listeners: Server[] = [];
  const closeAll = async (): Promise<void> => {
    for (const s of sessions) s.destroy();
    await Promise.all(listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
    await sweep?.close();
  };
  try {
    const control = createServer((s) => admit(s, false));
    listeners.push(control);
    const address = await listen(control, config.host, config.port);
    let implicitPort: number | undefined;
    if (config.implicitPort !== undefined) {
      const implicit = createServer((s) => admit(s, true));
      listeners.push(implicit);
      implicitPort = (await listen(implicit, config.host, config.implicitPort)).port;
    }
    return {
      host: address.address,
      port: address.port,
      ...(implicitPort !== undefined ? { implicitPort } : {}),
      ...(sweep ? { sweepPorts: sweep.ports } : {}),
      serverId,
      config,
      close: closeAll,
    };
  } catch (err) {
    await closeAll().catch(() => {});
    throw err;
  }
}
