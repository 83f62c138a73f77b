import { describe, expect, it } from 'vitest';
import { EventStream } from '../../src/probe/event-stream.js';
import type { ProbeEvent } from '../../src/observation/index.js';

const progress = (done: number, from: number): ProbeEvent => ({
  type: 'sweep-progress',
  done,
  total: 100,
  counts: { open: done },
  runs: [{ from, to: from, state: 'open' }],
});

async function drain(stream: EventStream): Promise<ProbeEvent[]> {
  const seen: ProbeEvent[] = [];
  for await (const e of stream) seen.push(e);
  return seen;
}

describe('probe event stream', () => {
  it('delivers events in order and ends when closed', async () => {
    const stream = new EventStream();
    stream.push({ type: 'run-start', at: 'now', host: 'h', port: 21 });
    stream.push({ type: 'step-start', id: 'resolve', label: 'Resolve', t: 0 });
    stream.close();
    expect((await drain(stream)).map((e) => e.type)).toEqual(['run-start', 'step-start']);
  });

  it('merges sweep progress a slow consumer has not read yet, keeping every run', async () => {
    const stream = new EventStream();
    stream.push(progress(1, 60000));
    stream.push(progress(2, 60001));
    stream.push(progress(3, 60002));
    stream.close();
    const seen = await drain(stream);
    expect(seen).toEqual([
      {
        type: 'sweep-progress',
        done: 3,
        total: 100,
        counts: { open: 3 },
        runs: [
          { from: 60000, to: 60000, state: 'open' },
          { from: 60001, to: 60001, state: 'open' },
          { from: 60002, to: 60002, state: 'open' },
        ],
      },
    ]);
  });

  it('hands an event straight to a consumer that is already waiting', async () => {
    const stream = new EventStream();
    const next = stream[Symbol.asyncIterator]().next();
    stream.push(progress(1, 60000));
    expect(await next).toEqual({ value: progress(1, 60000), done: false });
  });
});
