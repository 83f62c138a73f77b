import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { type Expiring, InFlightAttempts } from '../../src/sweep/in-flight-attempts.js';

/** An attempt that records what the registry did to it, and leaves the registry when it ends (as a real one does). */
function attempt(registry: InFlightAttempts, timeoutMs: number) {
  const log: { expiredAt?: number; aborted?: boolean } = {};
  const a: Expiring = {
    deadline: Number.POSITIVE_INFINITY,
    started: 0,
    timeoutMs,
    expire() {
      log.expiredAt = performance.now();
      registry.delete(a);
    },
    abort() {
      log.aborted = true;
      registry.delete(a);
    },
  };
  return { a, log };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('in-flight attempts (one shared deadline clock)', () => {
  it('stamps every attempt of a burst with one start once the burst is out, and the deadline from it', async () => {
    const registry = new InFlightAttempts();
    const burst = [attempt(registry, 40), attempt(registry, 60)];
    for (const { a } of burst) registry.add(a);
    expect(burst.map(({ a }) => a.deadline)).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    const [first, second] = burst.map(({ a }) => a);
    expect(first!.started).toBeGreaterThan(0);
    expect(second!.started).toBe(first!.started);
    expect(first!.deadline).toBe(first!.started + 40);
    expect(second!.deadline).toBe(second!.started + 60);
    registry.abortAll();
  });

  it('expires an attempt after its deadline, never before', async () => {
    const registry = new InFlightAttempts();
    const { a, log } = attempt(registry, 30);
    registry.add(a);
    for (let i = 0; i < 50 && log.expiredAt === undefined; i++) await sleep(10);
    expect(log.expiredAt).toBeDefined();
    expect(log.expiredAt! - a.started).toBeGreaterThanOrEqual(30);
    expect(registry.size).toBe(0);
  });

  it('an attempt that ended before its deadline is not expired', async () => {
    const registry = new InFlightAttempts();
    const ended = attempt(registry, 20);
    const waiting = attempt(registry, 40);
    registry.add(ended.a);
    registry.add(waiting.a);
    await turn();
    registry.delete(ended.a);
    for (let i = 0; i < 50 && waiting.log.expiredAt === undefined; i++) await sleep(10);
    expect(ended.log.expiredAt).toBeUndefined();
    expect(waiting.log.expiredAt).toBeDefined();
  });

  it('abortAll aborts every attempt in flight and leaves none', async () => {
    const registry = new InFlightAttempts();
    const all = [attempt(registry, 1000), attempt(registry, 1000), attempt(registry, 1000)];
    for (const { a } of all) registry.add(a);
    registry.abortAll();
    expect(all.map(({ log }) => log.aborted)).toEqual([true, true, true]);
    expect(registry.size).toBe(0);
  });
});
