import type { ObservationLog, PortRun, PortState, SweepObservation } from '../observation/index.js';
import type { BlockKind, Evidence } from './finding.js';

/**
 * The sweep's runs read as firewall rules. Linux rate-limits ICMP errors per peer (a burst of ~6,
 * then ~1/s, docs/measured-behaviour.md), so one REJECT rule over a range shows as icmp-reject ports scattered
 * among no-answer ports: consecutive runs of those two states are one rule, a rate-limited reject.
 * A reset only counts as a block where the server was listening ('blocked-reset'); a reset anywhere
 * else ('refused') is a closed port or a reset rule: neither blocked nor reachable, unknown.
 */

export interface BlockedSegment {
  from: number;
  to: number;
  how: BlockKind | 'middlebox';
  /** Indexes into sweep.runs. */
  runIndexes: number[];
  counts: Partial<Record<PortState, number>>;
}

const REJECT_OR_DROP = new Set<PortState>(['no-answer', 'icmp-reject']);
const BLOCKING = new Set<PortState>(['no-answer', 'icmp-reject', 'blocked-reset', 'token-mismatch']);

export function isBlockingState(state: PortState): boolean {
  return BLOCKING.has(state);
}

function mergeable(a: PortState, b: PortState): boolean {
  return a === b || (REJECT_OR_DROP.has(a) && REJECT_OR_DROP.has(b));
}

function rangeOf(ranges: Array<[number, number]>, port: number): number {
  return ranges.findIndex(([from, to]) => port >= from && port <= to);
}

function kindOf(counts: Partial<Record<PortState, number>>): BlockedSegment['how'] {
  if (counts['token-mismatch']) return 'middlebox';
  if (counts['blocked-reset']) return 'reset';
  if (counts['icmp-reject'] && counts['no-answer']) return 'rate-limited-reject';
  return counts['icmp-reject'] ? 'icmp-reject' : 'drop';
}

/**
 * The sweep as evidence about the path, or undefined when it is none: the server died mid-sweep,
 * so the resets on its ports were its own going away, not a firewall.
 */
export function sweepEvidence(log: ObservationLog): SweepObservation | undefined {
  return log.control.serverGone ? undefined : log.sweep;
}

/**
 * Blocked segments in port order. Runs merge when consecutive in the sorted run list (no reachable
 * run between them) and inside one requested range; in sample mode, gaps of untested ports between
 * them are unknown, so the segment spans from the first to the last blocked sample.
 */
export function blockedSegments(sweep: SweepObservation): BlockedSegment[] {
  const segments: BlockedSegment[] = [];
  let current: (BlockedSegment & { state: PortState; range: number }) | undefined;
  sweep.runs.forEach((run: PortRun, index) => {
    if (!BLOCKING.has(run.state)) {
      current = undefined;
      return;
    }
    const range = rangeOf(sweep.ranges, run.from);
    const contiguous = sweep.mode === 'sample' || (current !== undefined && current.to + 1 === run.from);
    if (current && current.range === range && contiguous && mergeable(current.state, run.state)) {
      current.to = run.to;
      current.runIndexes.push(index);
      current.counts[run.state] = (current.counts[run.state] ?? 0) + run.to - run.from + 1;
      current.how = kindOf(current.counts);
      return;
    }
    current = {
      from: run.from,
      to: run.to,
      how: kindOf({ [run.state]: 1 }),
      runIndexes: [index],
      counts: { [run.state]: run.to - run.from + 1 },
      state: run.state,
      range,
    };
    segments.push(current);
  });
  return segments.map(({ from, to, how, runIndexes, counts }) => ({ from, to, how, runIndexes, counts }));
}

/** Ports the sweep proved reachable: something listening answered. A 'refused' port proves nothing. */
export function reachableRuns(sweep: SweepObservation): PortRun[] {
  return sweep.runs.filter((r) => r.state === 'open');
}

/** Ports that answered at all (open, or refused): no drop or ICMP rule stands on their path. */
export function answeredRuns(sweep: SweepObservation): PortRun[] {
  return sweep.runs.filter((r) => r.state === 'open' || r.state === 'refused');
}

export function sweepStateAt(sweep: SweepObservation | undefined, port: number): PortState | undefined {
  return sweep?.runs.find((r) => port >= r.from && port <= r.to)?.state;
}

export function segmentEvidence(sweep: SweepObservation, segment: BlockedSegment): Evidence[] {
  const parts = Object.entries(segment.counts).map(([state, n]) => `${n} ${state}`);
  const errnos = Object.entries(sweep.errnos)
    .filter(([state, list]) => segment.counts[state as PortState] && list && list.length > 0)
    .map(([state, list]) => `${state}: ${[...new Set(list ?? [])].slice(0, 3).join(', ')}`);
  const refs =
    segment.runIndexes.length <= 3 ? segment.runIndexes : [segment.runIndexes[0]!, segment.runIndexes.at(-1)!];
  return refs.map((i, n) => {
    const run = sweep.runs[i]!;
    const summary =
      n === 0
        ? `sweep of ${sweep.address} ports ${segment.from}–${segment.to}: ${parts.join(', ')}${errnos.length ? ` (${errnos.join('; ')})` : ''}${sweep.mode === 'sample' ? ' (sampled ports only)' : ''}`
        : `sweep run ${run.from}–${run.to}: ${run.state}`;
    return { ref: `/sweep/runs/${i}`, fact: summary };
  });
}
