import { rangesText } from '../ftp/index.js';
import type { ObservationLog, SweepObservation } from '../observation/index.js';
import { passiveEntries, worked } from './data-attempts.js';
import { reachableRuns } from './sweep-blocks.js';

/**
 * How far a `reject with tcp reset` rule on the passive range reaches, as far as the client can know.
 * A reset from a firewall and one from a port nothing listens on look the same to connect()
 * (docs/measured-behaviour.md), so only the ports the server announced (or, in --sweep-mode, owns)
 * prove the rule; the rest of the range is unknown unless the reference server listens on it.
 */
export type ResetExtent =
  /** The reference server listened on the swept ports: the sweep's segments are the rule's. */
  | { kind: 'exact' }
  /** Every announced port was reset and none connected: the rule likely covers the whole range. */
  | { kind: 'likely-whole'; range: Array<[number, number]> }
  /** Some announced ports connected, others were reset: the reset ones are known, the boundary is not. */
  | { kind: 'seen-only' };

export function resetExtent(log: ObservationLog, sweep: SweepObservation | undefined): ResetExtent {
  if (sweep?.cooperative) return { kind: 'exact' };
  const passive = passiveEntries(log);
  const anyConnected = passive.some(worked) || (sweep !== undefined && reachableRuns(sweep).length > 0);
  if (passive.length > 0 && !anyConnected) return { kind: 'likely-whole', range: sweep?.ranges ?? log.settings.ranges };
  return { kind: 'seen-only' };
}

const SERVER_SIDE =
  'Exact boundaries can only be drawn from the server side: run `ftpdoctor serve --sweep-mode` there, or check against the reference server as the target.';

/** What the finding's rule adds about the extent; empty when the sweep drew it exactly. */
export function resetExtentWords(extent: ResetExtent, ports: Array<[number, number]>): string {
  switch (extent.kind) {
    case 'exact':
      return '';
    case 'likely-whole':
      return ` Every port the server announced was reset and none connected, so the rule likely covers the whole passive range (${rangesText(extent.range)}); a reset from a port where nothing listens looks the same, so the sweep cannot confirm it. ${SERVER_SIDE}`;
    case 'seen-only':
      return ` The ports listed (${rangesText(ports)}) are the announced ports seen reset; others connected. The rule's boundary is unknown: a reset from a port where nothing listens looks the same, so the rest of the range cannot be read from here. ${SERVER_SIDE}`;
  }
}
