import type { ObservationLog, PortState } from '../observation/index.js';
import { countedAttempts, passiveEntries, worked } from './data-attempts.js';
import { isBlockingState } from './sweep-blocks.js';
import { sweepAsDiagnosed } from './upgrade-log.js';

/**
 * What a partly blocked passive range means to a person: servers pick their passive ports at random,
 * so the share of blocked ports is the share of transfers that hang, and a retry succeeds by chance.
 */
export interface PassiveHang {
  blockedPorts: number;
  testedPorts: number;
  /** blockedPorts / testedPorts, 0..1. */
  share: number;
  /** "about one transfer in five". */
  words: string;
  /** A sample sweep tests a few ports: the share is an estimate. */
  estimate: boolean;
}

const NUMBER_WORDS: Record<number, string> = {
  2: 'two',
  3: 'three',
  4: 'four',
  5: 'five',
  6: 'six',
  7: 'seven',
  8: 'eight',
  9: 'nine',
  10: 'ten',
};

/** "about one transfer in five", from 1,136 of 5,536. */
export function hangWords(share: number): string {
  if (share >= 0.95) return 'nearly every transfer';
  const inN = Math.round(1 / share);
  if (inN >= 2 && Math.abs(1 / inN - share) / share < 0.2)
    return `about one transfer in ${NUMBER_WORDS[inN] ?? inN.toLocaleString('en-US')}`;
  return `about ${Math.round(share * 100)}% of transfers`;
}

export function passiveHang(log: ObservationLog): PassiveHang | undefined {
  const sweep = sweepAsDiagnosed(log);
  if (!sweep) return undefined;
  // A reset rule in front of an ordinary server: its 'refused' ports may be that rule as well, so the
  // sweep cannot count the blocked share; the announced ports the check tried estimate it instead.
  if (!sweep.cooperative && sweep.counts['blocked-reset'] && sweep.counts.refused) return attemptsHang(log);
  let blocked = 0;
  let tested = 0;
  for (const r of sweep.runs) {
    const n = r.to - r.from + 1;
    if (r.state === 'local-error') continue;
    tested += n;
    if (isBlockingState(r.state)) blocked += n;
  }
  // Sample mode: runs span untested ports between samples, so count samples from the totals instead.
  if (sweep.mode === 'sample') {
    tested = 0;
    blocked = 0;
    for (const state of Object.keys(sweep.counts) as PortState[]) {
      const n = sweep.counts[state] ?? 0;
      if (state === 'local-error') continue;
      tested += n;
      if (isBlockingState(state)) blocked += n;
    }
  }
  if (blocked === 0 || blocked === tested || tested === 0) return undefined;
  const share = blocked / tested;
  return {
    blockedPorts: blocked,
    testedPorts: tested,
    share,
    words: hangWords(share),
    estimate: sweep.mode === 'sample',
  };
}

function attemptsHang(log: ObservationLog): PassiveHang | undefined {
  const tried = countedAttempts(passiveEntries(log));
  const blocked = tried.filter((e) => !worked(e)).length;
  if (blocked === 0 || blocked === tried.length) return undefined;
  const share = blocked / tried.length;
  return { blockedPorts: blocked, testedPorts: tried.length, share, words: hangWords(share), estimate: true };
}
