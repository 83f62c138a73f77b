/**
 * Slows down password guessing: each failed login from an address doubles the delay before the
 * next failure is answered (up to 8×), and the record is forgotten after a quiet period.
 */
const FORGET_AFTER_MS = 15 * 60_000;
const MAX_TRACKED = 10_000;
const MAX_FACTOR = 8;

export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(private readonly baseDelayMs: number) {}

  /** Records a failure and returns how long to wait before answering it. */
  fail(address: string, now = Date.now()): number {
    const previous = this.failures.get(address);
    const count = previous && now - previous.last < FORGET_AFTER_MS ? previous.count + 1 : 1;
    this.failures.delete(address);
    if (this.failures.size >= MAX_TRACKED) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(address, { count, last: now });
    return this.baseDelayMs * Math.min(2 ** (count - 1), MAX_FACTOR);
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }
}
