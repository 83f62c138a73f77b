import { afterAll } from 'vitest';
import { DEFAULT_LIMITS, startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import { freePortBlock } from './free-ports.js';

export const LOOPBACK = '127.0.0.1';

/**
 * Reference servers for the long-session experiments, on loopback with a small passive range of
 * their own, each closed after the test file. `limits` override the defaults one by one.
 */
export function experimentServers(): (
  opts?: Omit<ServerOptions, 'limits'> & { limits?: Partial<typeof DEFAULT_LIMITS> },
) => Promise<RunningServer> {
  const started: RunningServer[] = [];
  afterAll(async () => {
    for (const s of started) await s.close();
  });
  return async (opts = {}) => {
    const s = await startServer({
      host: LOOPBACK,
      port: 0,
      pasvRange: await freePortBlock(21, LOOPBACK),
      activeSourcePort: 0,
      ...opts,
      limits: { ...DEFAULT_LIMITS, ...opts.limits },
    });
    started.push(s);
    return s;
  };
}
