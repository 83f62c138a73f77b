import { performance } from 'node:perf_hooks';

/**
 * The sweep's connects in flight, with their deadlines kept by one shared clock instead of a timer per
 * socket: thousands of connects each arming, re-arming and clearing their own timer cost more CPU than
 * the connects' answers on a fast path. The clock ticks while anything is in flight and expires every
 * attempt whose deadline has passed; an expiry is therefore up to one tick late, never early.
 */
export interface Expiring {
  /** performance.now() after which the attempt expires; Infinity until its connect is issued. */
  deadline: number;
  /** Milliseconds from the connect's issue to its deadline. */
  readonly timeoutMs: number;
  /** When Node issued the connect (stamped by the registry), the start of the round trip. */
  started: number;
  expire(): void;
  abort(): void;
}

const TICK_MS = 10;

export class InFlightAttempts {
  private readonly live = new Set<Expiring>();
  private unstamped: Expiring[] = [];
  private ticker: NodeJS.Timeout | undefined;
  /** When the tick that queued the pending scan fired: the deadlines the scan may judge. */
  private judgeAt: number | undefined;

  get size(): number {
    return this.live.size;
  }

  /**
   * Call right after socket.connect(): Node issues the connect() in a nextTick queued by that call, so
   * a nextTick queued now runs once every connect of the current burst is out, and stamps them all
   * (a thousand sockets created in one go would otherwise start their clocks before their turn).
   */
  add(attempt: Expiring): void {
    this.live.add(attempt);
    if (this.unstamped.push(attempt) === 1) process.nextTick(this.stamp);
    this.ticker ??= setInterval(this.tick, TICK_MS);
  }

  delete(attempt: Expiring): void {
    this.live.delete(attempt);
    if (this.live.size === 0 && this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  abortAll(): void {
    for (const attempt of [...this.live]) attempt.abort();
  }

  private readonly stamp = (): void => {
    const now = performance.now();
    for (const attempt of this.unstamped) {
      attempt.started = now;
      attempt.deadline = now + attempt.timeoutMs;
    }
    this.unstamped = [];
  };

  // A busy event loop runs timers before polling I/O: the scan waits for the check phase, after a poll,
  // and judges only the deadlines that had passed when the tick fired, before that poll. So every
  // answer that arrived by its deadline has been read when the deadline is judged, however long the
  // loop's turns (on a loaded machine, hundreds of ms) and whatever ran between poll and scan.
  private readonly tick = (): void => {
    if (this.judgeAt !== undefined) return;
    this.judgeAt = performance.now();
    setImmediate(this.scan);
  };

  private readonly scan = (): void => {
    const judgeAt = this.judgeAt ?? 0;
    this.judgeAt = undefined;
    for (const attempt of this.live) if (attempt.deadline <= judgeAt) attempt.expire();
  };
}
