import type { PortRun, PortState } from '../observation/index.js';

/**
 * Compresses per-port results into runs of consecutive ports with one state, so a rule that drops
 * 63000-65535 reads back as exactly that. A gap (an untested port) always ends a run: a run claims
 * only ports that were tested. When a port appears twice the later result wins (a retry's answer).
 */
export function compressRuns(ports: ReadonlyArray<{ port: number; state: PortState }>): PortRun[] {
  const latest = new Map<number, PortState>();
  for (const { port, state } of ports) latest.set(port, state);
  const sorted = [...latest.entries()].sort((a, b) => a[0] - b[0]);
  const runs: PortRun[] = [];
  for (const [port, state] of sorted) {
    const last = runs.at(-1);
    if (last && last.state === state && last.to + 1 === port) last.to = port;
    else runs.push({ from: port, to: port, state });
  }
  return runs;
}

/** Expands runs back to one state per port (for comparing results with applied rules). */
export function expandRuns(runs: ReadonlyArray<PortRun>): Map<number, PortState> {
  const states = new Map<number, PortState>();
  for (const run of runs) for (let p = run.from; p <= run.to; p++) states.set(p, run.state);
  return states;
}
