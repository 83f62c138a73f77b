import type { ProbeEvent } from '../observation/index.js';

/**
 * A single-consumer async queue of probe events. Sweep progress is coalesced while the consumer
 * lags (counts and totals are cumulative, runs are concatenated), so a slow view never makes the
 * engine hold thousands of progress events.
 */
export class EventStream implements AsyncIterable<ProbeEvent> {
  private readonly buffer: ProbeEvent[] = [];
  private waiting: ((result: IteratorResult<ProbeEvent>) => void) | undefined;
  private closed = false;

  push(event: ProbeEvent): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    const last = this.buffer[this.buffer.length - 1];
    if (event.type === 'sweep-progress' && last?.type === 'sweep-progress') {
      this.buffer[this.buffer.length - 1] = { ...event, runs: [...last.runs, ...event.runs] };
      return;
    }
    this.buffer.push(event);
  }

  close(): void {
    this.closed = true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<ProbeEvent> {
    return {
      next: () => {
        const event = this.buffer.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
      return: () => {
        this.closed = true;
        this.buffer.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
