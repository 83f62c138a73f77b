import type { EventEmitter } from 'node:events';

/**
 * One wait for the first of several endings — socket events, a deadline, the run's stop signal —
 * settled exactly once. Every listener, timer and abort handler registered through the Waiter is
 * removed the moment it settles, so nothing fires late and nothing leaks.
 */
export interface Waiter<T> {
  /** Ends the wait with this value; later endings are ignored. */
  resolve(value: T): void;
  /** Ends the wait with this error; later endings are ignored. */
  reject(err: Error): void;
  /** Listens until the wait ends. */
  on(emitter: EventEmitter, event: string, listener: (...args: never[]) => void): void;
  /** Runs `ending` after ms unless the wait ended before; the returned function cancels it. */
  after(ms: number, ending: () => void): () => void;
  /** Runs `ending` when the signal fires, at once when it already has. */
  abortOn(signal: AbortSignal, ending: () => void): void;
  /** Runs `cleanup` when the wait ends, after the listeners are gone. */
  finally(cleanup: () => void): void;
  readonly settled: boolean;
}

export function waitFor<T>(start: (w: Waiter<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanups: Array<() => void> = [];
    // A set, not cleanups: a re-armed idle timer must not grow the list with every chunk.
    const timers = new Set<NodeJS.Timeout>();
    let settled = false;
    const end = (): boolean => {
      if (settled) return false;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      for (const c of cleanups.splice(0)) c();
      return true;
    };
    const waiter: Waiter<T> = {
      resolve: (value) => {
        if (end()) resolve(value);
      },
      reject: (err) => {
        if (end()) reject(err);
      },
      on: (emitter, event, listener) => {
        if (settled) return;
        emitter.on(event, listener as (...args: unknown[]) => void);
        cleanups.unshift(() => emitter.removeListener(event, listener as (...args: unknown[]) => void));
      },
      after: (ms, ending) => {
        if (settled) return () => undefined;
        const timer = setTimeout(() => {
          timers.delete(timer);
          ending();
        }, ms);
        timers.add(timer);
        return () => {
          clearTimeout(timer);
          timers.delete(timer);
        };
      },
      abortOn: (signal, ending) => {
        if (settled) return;
        if (signal.aborted) return ending();
        signal.addEventListener('abort', ending, { once: true });
        cleanups.unshift(() => signal.removeEventListener('abort', ending));
      },
      finally: (cleanup) => {
        cleanups.push(cleanup);
      },
      get settled() {
        return settled;
      },
    };
    start(waiter);
  });
}
