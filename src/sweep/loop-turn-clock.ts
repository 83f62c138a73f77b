import { performance } from 'node:perf_hooks';

/**
 * When the current event-loop turn began delivering I/O, and whether the loop had been idle before it.
 *
 * With a thousand connects in flight one turn can deliver hundreds of completions and issue as many
 * connects, so timing each answer to the moment its callback ran would add our own processing to the
 * round-trip time. epoll hands over only what had already arrived when the turn began, so the turn's
 * first stamp bounds every completion's arrival from above. The bound is tight only when the loop was
 * waiting for the network before the turn (idle); back-to-back turns mean the answers queued up behind
 * our own work, and the bound then measures us, not the path.
 */
export interface TurnStamp {
  at: number;
  /** The loop sat in epoll before this turn: the stamp is close to when the first answer arrived. */
  afterIdle: boolean;
}

/** A gap between turns longer than this means the loop waited for I/O rather than ran flat out. */
const IDLE_GAP_MS = 1;

export class LoopTurnClock {
  private current: TurnStamp | undefined;
  private lastTurnEnd = Number.NEGATIVE_INFINITY;

  now(): TurnStamp {
    if (this.current === undefined) {
      const at = performance.now();
      this.current = { at, afterIdle: at - this.lastTurnEnd > IDLE_GAP_MS };
      // The check phase ends the turn: the next completion starts a new stamp.
      setImmediate(() => {
        this.current = undefined;
        this.lastTurnEnd = performance.now();
      });
    }
    return this.current;
  }
}
