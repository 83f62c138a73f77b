import type { PortRun } from '../observation/index.js';

/**
 * Linux rate-limits the ICMP errors it sends to one peer (net.ipv4.icmp_ratelimit: a burst of ~6,
 * then ~1 per second), so a sweep through one REJECT-with-ICMP rule sees a few icmp-reject ports
 * scattered through a sea of no-answer. This finds the stretches of consecutive tested ports that are
 * all icmp-reject or no-answer and hold both, so the diagnosis can read them as one rejecting rule.
 * It only points at the pattern; the diagnosis decides.
 */
export interface IcmpMixSpan {
  from: number;
  to: number;
  icmpReject: number;
  noAnswer: number;
}

export function findIcmpMixSpans(runs: ReadonlyArray<PortRun>): IcmpMixSpan[] {
  const spans: IcmpMixSpan[] = [];
  let current: IcmpMixSpan | undefined;
  for (const run of runs) {
    const silentOrIcmp = run.state === 'icmp-reject' || run.state === 'no-answer';
    if (!silentOrIcmp || (current && run.from !== current.to + 1)) {
      if (current) spans.push(current);
      current = undefined;
    }
    if (!silentOrIcmp) continue;
    current ??= { from: run.from, to: run.from, icmpReject: 0, noAnswer: 0 };
    current.to = run.to;
    const size = run.to - run.from + 1;
    if (run.state === 'icmp-reject') current.icmpReject += size;
    else current.noAnswer += size;
  }
  if (current) spans.push(current);
  return spans.filter((s) => s.icmpReject > 0 && s.noAnswer > 0);
}
