import { afterEach, describe, expect, it } from 'vitest';
import type { PortRun } from '../../src/observation/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { expandRuns } from '../../src/sweep/port-runs.js';
import { runSweep, type SweepProgress } from '../../src/sweep/port-sweep.js';
import { listenBlock, type PeerBehaviour, type PeerBlock, say, silentAccept, token } from './loopback-peers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function block(
  size: number,
  behaviours: Array<[number, PeerBehaviour]>,
  within?: [number, number],
): Promise<PeerBlock> {
  const b = await listenBlock(size, new Map(behaviours), within);
  cleanups.push(() => b.close());
  return b;
}

/** The runs shifted back to offsets from the block's base, to compare with the script. */
const offsets = (runs: PortRun[], base: number) =>
  runs.map((r) => ({ from: r.from - base, to: r.to - base, state: r.state }));
const fast = { rttBounds: { minMs: 100, maxMs: 500 }, initialRttMs: 1, tokenWaitMs: 300 };

describe('runSweep against any server (connect only)', () => {
  it('reports listening ports open and the rest refused, with exact boundaries', async () => {
    const listening: Array<[number, PeerBehaviour]> = [0, 1, 2, 10, 29].map((o) => [o, silentAccept]);
    const b = await block(30, listening);
    const sweep = await runSweep({ address: '127.0.0.1', ranges: [[b.base, b.base + 29]], mode: 'full', ...fast });
    expect(offsets(sweep.runs, b.base)).toEqual([
      { from: 0, to: 2, state: 'open' },
      { from: 3, to: 9, state: 'refused' },
      { from: 10, to: 10, state: 'open' },
      { from: 11, to: 28, state: 'refused' },
      { from: 29, to: 29, state: 'open' },
    ]);
    expect(sweep).toMatchObject({
      cooperative: false,
      portsTested: 30,
      counts: { open: 5, refused: 25 },
      retries: 0,
      complete: true,
    });
    expect(sweep.errnos.refused?.[0]).toBe('ECONNREFUSED');
    expect(sweep.timing.initialRttMs).toBe(1);
  });

  it('inside the local ephemeral range, connects from source ports outside the swept range', async () => {
    const sources: number[] = [];
    const record: PeerBehaviour = (_port, socket) => {
      sources.push(socket.remotePort!);
      socket.destroy();
    };
    const size = 200;
    const b = await block(
      size,
      Array.from({ length: size / 2 }, (_, i) => [2 * i, record] as [number, PeerBehaviour]),
      [55000, 60999],
    );
    const range: [number, number] = [b.base, b.base + size - 1];
    const sweep = await runSweep({ address: '127.0.0.1', ranges: [range], mode: 'full', ...fast });
    expect(sweep.counts).toEqual({ open: 100, refused: 100 });
    expect(sweep.sourcePorts?.pinned).toBeDefined();
    expect(sources).toHaveLength(100);
    for (const p of sources) expect(p < range[0] || p > range[1]).toBe(true);
  });

  it('calls a reset on a port a PASV advertised blocked-reset, not refused', async () => {
    const b = await block(5, [[0, silentAccept]]);
    const sweep = await runSweep({
      address: '127.0.0.1',
      ranges: [[b.base, b.base + 4]],
      mode: 'full',
      knownListening: [b.base + 3],
      ...fast,
    });
    expect(offsets(sweep.runs, b.base)).toEqual([
      { from: 0, to: 0, state: 'open' },
      { from: 1, to: 2, state: 'refused' },
      { from: 3, to: 3, state: 'blocked-reset' },
      { from: 4, to: 4, state: 'refused' },
    ]);
  });

  it('sample mode tries about 64 ports including both edges', async () => {
    const b = await block(400, [
      [0, silentAccept],
      [399, silentAccept],
    ]);
    const sweep = await runSweep({ address: '127.0.0.1', ranges: [[b.base, b.base + 399]], mode: 'sample', ...fast });
    const states = expandRuns(sweep.runs);
    expect(sweep.mode).toBe('sample');
    expect(sweep.portsTested).toBeGreaterThanOrEqual(64);
    expect(sweep.portsTested).toBeLessThanOrEqual(66);
    expect(states.get(b.base)).toBe('open');
    expect(states.get(b.base + 399)).toBe('open');
    expect(sweep.counts.refused).toBe(sweep.portsTested - 2);
  });

  it('reports progress with counts and the runs since the previous report', async () => {
    const b = await block(300, [[7, silentAccept]]);
    const reports: SweepProgress[] = [];
    const sweep = await runSweep({
      address: '127.0.0.1',
      ranges: [[b.base, b.base + 299]],
      mode: 'full',
      maxConcurrency: 8,
      progressIntervalMs: 1,
      onProgress: (p) => reports.push(p),
      ...fast,
    });
    const last = reports.at(-1)!;
    expect(last).toMatchObject({ done: 300, total: 300, counts: { open: 1, refused: 299 } });
    expect(reports.length).toBeGreaterThan(1);
    const seen = new Map<number, string>();
    for (const r of reports) for (const [port, state] of expandRuns(r.runs)) seen.set(port, state);
    expect(seen).toEqual(expandRuns(sweep.runs));
    expect(sweep.concurrency.max).toBe(8);
  });

  it('stops when aborted and says the sweep is incomplete', async () => {
    const b = await block(2000, [[0, silentAccept]]);
    const controller = new AbortController();
    const sweep = await runSweep({
      address: '127.0.0.1',
      ranges: [[b.base, b.base + 1999]],
      mode: 'full',
      maxConcurrency: 4,
      onProgress: (p) => p.done >= 50 && controller.abort(),
      progressIntervalMs: 1,
      signal: controller.signal,
      ...fast,
    });
    expect(sweep.complete).toBe(false);
    expect(sweep.portsTested).toBeGreaterThanOrEqual(50);
    expect(sweep.portsTested).toBeLessThan(2000);
  });

  it.each<[string, Array<[number, number]>, string]>([
    ['reversed', [[65535, 60000]], 'E_RANGE_REVERSED'],
    ['port 0', [[0, 10]], 'E_RANGE_PORT_ZERO'],
    ['above 65535', [[65000, 70000]], 'E_RANGE_PORT_TOO_HIGH'],
    ['no range at all', [], 'E_RANGE_EMPTY'],
  ])('refuses %s ranges with a coded error', async (_name, ranges, code) => {
    await expect(runSweep({ address: '127.0.0.1', ranges, mode: 'full' })).rejects.toMatchObject({
      name: 'SweepInputError',
      code,
    });
  });

  it('refuses a host name: the caller resolves once', async () => {
    await expect(runSweep({ address: 'localhost', ranges: [[20000, 20001]], mode: 'full' })).rejects.toMatchObject({
      code: 'E_SWEEP_ADDRESS',
    });
  });

  it('a progress consumer that throws does not stall the sweep', async () => {
    const b = await block(50, [[0, silentAccept]]);
    const sweep = await runSweep({
      address: '127.0.0.1',
      ranges: [[b.base, b.base + 49]],
      mode: 'full',
      progressIntervalMs: 1,
      onProgress: () => {
        throw new Error('view broke');
      },
      ...fast,
    });
    expect(sweep).toMatchObject({ complete: true, portsTested: 50 });
  });

  it('an already aborted signal tests nothing', async () => {
    const sweep = await runSweep({
      address: '127.0.0.1',
      ranges: [[20000, 20010]],
      mode: 'full',
      signal: AbortSignal.abort(),
    });
    expect(sweep).toMatchObject({ portsTested: 0, complete: false, runs: [] });
  });

  it('respects maxConcurrency and the open-file limit in what it reports', async () => {
    const b = await block(20, [[0, silentAccept]]);
    const sweep = await runSweep({
      address: '127.0.0.1',
      ranges: [[b.base, b.base + 19]],
      mode: 'full',
      maxConcurrency: 3,
      ...fast,
    });
    expect(sweep.concurrency.max).toBe(3);
    expect(sweep.concurrency.fdLimit).toBeGreaterThan(0);
  });
});

describe('runSweep in cooperative mode (token checked)', () => {
  it('tells the right token from a stranger, a wrong id, a redirect and silence', async () => {
    const id = 'srv-7f3a';
    const b = await block(8, [
      [0, token(id)],
      [1, token(id)],
      [2, token('someone-else')],
      [3, token(id, 1)],
      [4, say('220 proxy ready\r\n')],
      [5, silentAccept],
      [7, token(id)],
    ]);
    const sweep = await runSweep({
      address: '127.0.0.1',
      ranges: [[b.base, b.base + 7]],
      mode: 'full',
      token: { serverId: id },
      ...fast,
    });
    expect(offsets(sweep.runs, b.base)).toEqual([
      { from: 0, to: 1, state: 'open' },
      { from: 2, to: 5, state: 'token-mismatch' },
      // nothing listens on 6, yet the reference server listens on its whole range: a firewall reset
      { from: 6, to: 6, state: 'blocked-reset' },
      { from: 7, to: 7, state: 'open' },
    ]);
    expect(sweep.cooperative).toBe(true);
    expect(sweep.tokenMismatches?.map((m) => [m.port - b.base, m.reason])).toEqual([
      [2, 'wrong-server'],
      [3, 'wrong-port'],
      [4, 'not-a-token'],
      [5, 'no-token'],
    ]);
  });

  it('a reset outside the ports the server says it listens on is refused (closed, or rejected by a rule)', async () => {
    const id = 'srv-1';
    const b = await block(4, [
      [0, token(id)],
      [1, token(id)],
    ]);
    const sweep = await runSweep({
      address: '127.0.0.1',
      ranges: [[b.base, b.base + 3]],
      mode: 'full',
      token: { serverId: id, listening: [[b.base, b.base + 2]] },
      ...fast,
    });
    expect(offsets(sweep.runs, b.base)).toEqual([
      { from: 0, to: 1, state: 'open' },
      { from: 2, to: 2, state: 'blocked-reset' },
      { from: 3, to: 3, state: 'refused' },
    ]);
  });
});

describe('runSweep against the reference server in sweep mode', () => {
  async function sweepServer(): Promise<RunningServer> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const base = 20000 + Math.floor(Math.random() * 12000);
      const server = await startServer({ host: '127.0.0.1', port: 0, sweepMode: true, pasvRange: [base, base + 199] });
      if (server.sweepPorts?.length === 200) return server;
      await server.close();
    }
    throw new Error('no free 200-port block for the sweep-mode server');
  }

  it('every port of the range is open with the server id, and another id is a token mismatch', async () => {
    const server = await sweepServer();
    cleanups.push(() => server.close());
    const range = server.config.pasvRange;
    const ok = await runSweep({
      address: '127.0.0.1',
      ranges: [range],
      mode: 'full',
      token: { serverId: server.serverId },
      ...fast,
    });
    expect(ok.runs).toEqual([{ from: range[0], to: range[1], state: 'open' }]);
    const wrong = await runSweep({
      address: '127.0.0.1',
      ranges: [range],
      mode: 'full',
      token: { serverId: 'not-this-one' },
      ...fast,
    });
    expect(wrong.runs).toEqual([{ from: range[0], to: range[1], state: 'token-mismatch' }]);
    expect(wrong.tokenMismatches?.[0]?.reason).toBe('wrong-server');
  });
});
