import { performance } from 'node:perf_hooks';

/**
 * When the current event-loop turn began delivering I/O. With a thousand connects in flight one turn
 * can deliver hundreds of completions (and issue as many connects), so timing each answer to the moment
 * its own callback ran would add the processing of all the others to its round-trip time. epoll hands
 * over only what had already arrived when the turn began, so the turn's first stamp is a tighter upper
 * bound on every completion's arrival.
 */
export class LoopTurnClock {
  private stamp: number | undefined;

  now(): number {
    if (this.stamp === undefined) {
      this.stamp = performance.now();
      // The check phase ends the turn: the next completion starts a new stamp.
      setImmediate(() => {
        this.stamp = undefined;
      });
    }
    return this.stamp;
  }
}
