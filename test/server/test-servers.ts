import { afterAll } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';

/** Short timeouts so a failing test fails in seconds; each file gets its own passive range slice. */
export const FAST_LIMITS = {
  idleTimeoutMs: 5000,
  dataConnectTimeoutMs: 2000,
  dataIdleTimeoutMs: 2000,
  loginFailureDelayMs: 20,
};

/** Starts servers on 127.0.0.1 port 0 and closes them all after the file's tests, pass or fail. */
export function serverPool(): (config?: ServerOptions) => Promise<RunningServer> {
  const started: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.close()));
  });
  return async (config = {}) => {
    const server = await startServer({
      host: '127.0.0.1',
      port: 0,
      ...config,
      limits: { ...FAST_LIMITS, ...config.limits },
    });
    started.push(server);
    return server;
  };
}
