import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { reserveActivePorts } from '../../src/probe/active-port-reserve.js';

/**
 * The user's active ports are bound before the sweep runs beside the active probes, so the sweep's
 * outbound connections cannot take one as their source port (src/probe/active-port-reserve.ts).
 * Ports below Linux's ephemeral range (32768), where no client socket of a parallel suite lands.
 */
const base = 20000 + Math.floor(Math.random() * 10000);

function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

describe('reserveActivePorts', () => {
  it('holds one listener per probe in the range, hands them out once, and frees the rest', async () => {
    const reserve = await reserveActivePorts('127.0.0.1', [base, base + 9], 3);
    try {
      expect(await canListen(base)).toBe(false);
      expect(await canListen(base + 2)).toBe(false);
      expect(await canListen(base + 3)).toBe(true);
      expect(reserve.take('10.0.0.1')).toBeUndefined();
      const first = reserve.take('::ffff:127.0.0.1');
      expect(first && 'port' in first ? first.port : undefined).toBe(base);
      if (first && 'server' in first) first.server.close();
    } finally {
      reserve.release();
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(await canListen(base + 1)).toBe(true);
    expect(await canListen(base + 2)).toBe(true);
  });

  it('skips a port something else holds and stops at the end of the range', async () => {
    const other = createServer();
    await new Promise<void>((r) => other.listen({ host: '127.0.0.1', port: base + 20 }, () => r()));
    const reserve = await reserveActivePorts('127.0.0.1', [base + 20, base + 21], 3);
    try {
      const got = reserve.take('127.0.0.1');
      expect(got && 'port' in got ? got.port : undefined).toBe(base + 21);
      expect(reserve.take('127.0.0.1')).toBeUndefined();
      if (got && 'server' in got) got.server.close();
    } finally {
      reserve.release();
      other.close();
    }
  });
});
