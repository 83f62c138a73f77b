import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DataConnectionError, openPassiveEndpoint } from '../../src/server/passive-ports.js';

/** A passive data connection from another address than the control peer is refused, naming both (issue 14, part 3). */
describe('passive port: data from another source address', () => {
  it('refuses the transfer at once with the address it came from', async () => {
    const endpoint = await openPassiveEndpoint({
      bindAddress: '127.0.0.1',
      range: [61500, 61599],
      expectedPeer: '127.0.0.1',
    });
    expect(endpoint).toBeDefined();
    const socket = new Socket();
    try {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => undefined);
      socket.connect({ host: '127.0.0.1', port: endpoint!.port, localAddress: '127.0.0.2' });
      await closed;
      const started = Date.now();
      const refused = await endpoint!.accept(5_000).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(DataConnectionError);
      expect((refused as DataConnectionError).code).toBe('passive-foreign');
      expect((refused as DataConnectionError).message).toBe(
        "data connection from 127.0.0.2, not from the control connection's address 127.0.0.1",
      );
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      socket.destroy();
      await endpoint!.close();
    }
  });
});
