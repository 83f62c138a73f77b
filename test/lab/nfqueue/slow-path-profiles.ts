import type { PathEmulation } from './path-emulation.ts';

/**
 * The two slow paths of issue 14, shared by the slow-path lab (test/lab/slow-path-suite.ts) and the
 * sweep benchmark (bench/sweep-bench.ts): in both, the router also drops DROPPED_PART of the passive
 * range and the rest of it is closed, so it answers with resets.
 */

export const DROPPED_PART: [number, number] = [60000, 62999];

/** Resets held 2 s, as a client OS that retries the SYN after a reset (Windows) reports a refusal. */
export const DELAYED_RESETS: PathEmulation = { match: ['-p', 'tcp', '--tcp-flags', 'RST', 'RST'], delayMs: 2000 };

/** Every TCP segment held 300 ms ±50 ms in each direction, 2 % of them lost (a satellite or mobile path). */
export const LOSSY_PATH: PathEmulation = { match: ['-p', 'tcp'], delayMs: 300, jitterMs: 50, loss: 0.02, seed: 14 };
