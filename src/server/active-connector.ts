import { connect, type Socket } from 'node:net';
import { DataConnectionError } from './passive-ports.js';

/**
 * Active mode (RFC 959 PORT, RFC 2428 EPRT): the server opens the data connection to the client,
 * from a fixed source port when configured (20, the ftp-data port real servers use as root; some
 * client firewalls admit only that), otherwise from any port.
 */
export function connectActive(opts: {
  address: string;
  port: number;
  localAddress: string;
  localPort: number;
  timeoutMs: number;
}): Promise<Socket> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: opts.address,
      port: opts.port,
      localAddress: opts.localAddress,
      ...(opts.localPort > 0 ? { localPort: opts.localPort } : {}),
    });
    const fail = (errno: string): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new DataConnectionError('active-connect', `cannot connect to ${opts.address} port ${opts.port}: ${errno}`, {
          address: opts.address,
          port: opts.port,
          errno,
          elapsedMs: Date.now() - started,
        }),
      );
    };
    const timer = setTimeout(() => fail('timeout'), opts.timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}
