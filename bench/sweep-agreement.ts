import { nmapPortStates } from './nmap-states.ts';
import type { PathEmulation } from '../test/lab/nfqueue/path-emulation.ts';

/** What the sweep bench measures a tool against: the router's rules, port by port. */

export const RANGE: [number, number] = [60000, 65535];

type Action = 'drop' | 'reject';
export interface Scenario {
  name: string;
  rules: string[];
  blocked: Array<[number, number]>;
  action?: Action;
  /** The server listens on none of the range: ports no rule touches refuse, as behind a stock server. */
  closed?: boolean;
  /** A slow or lossy path emulated at the router (test/lab/nfqueue, shared with the slow-path lab). */
  path?: PathEmulation;
}

export interface PortRun {
  from: number;
  to: number;
  state: string;
}
const isBlocked = (s: Scenario, port: number): boolean => s.blocked.some(([f, t]) => port >= f && port <= t);

/** States our sweep must report for a port under the scenario's rules (Linux ICMP rate limiting mixes rejects with silence). */
function expectedStates(s: Scenario, port: number): string[] {
  if (!isBlocked(s, port)) return [s.closed ? 'refused' : 'open'];
  return s.action === 'reject' ? ['icmp-reject', 'no-answer'] : ['no-answer'];
}

export interface Agreement {
  agree: number;
  wrong: string[];
  /** Ports no rule touches that were reported dropped. */
  falseDrops: number;
  /** The dropped runs are exactly the rule's (undefined for a reject rule: rate-limited ICMP mixes in silence). */
  exactRuns?: boolean;
}

function agreement(
  s: Scenario,
  stateOf: (port: number) => string,
  fits: (port: number, state: string) => boolean,
  dropState: string,
): Agreement {
  let agree = 0;
  let falseDrops = 0;
  const wrong: string[] = [];
  const dropped: Array<[number, number]> = [];
  for (let p = RANGE[0]; p <= RANGE[1]; p++) {
    const state = stateOf(p);
    if (fits(p, state)) agree++;
    else if (wrong.length < 5) wrong.push(`${p}:${state}`);
    if (state !== dropState) continue;
    if (!isBlocked(s, p)) falseDrops++;
    const last = dropped.at(-1);
    if (last?.[1] === p - 1) last[1] = p;
    else dropped.push([p, p]);
  }
  return {
    agree,
    wrong,
    falseDrops,
    ...(s.action === 'reject' ? {} : { exactRuns: JSON.stringify(dropped) === JSON.stringify(s.blocked) }),
  };
}

export function sweepAgreement(s: Scenario, runs: PortRun[]): Agreement {
  const got = new Map<number, string>();
  for (const r of runs) for (let p = r.from; p <= r.to; p++) got.set(p, r.state);
  const stateOf = (p: number) => got.get(p) ?? 'untested';
  return agreement(s, stateOf, (p, state) => expectedStates(s, p).includes(state), 'no-answer');
}

/** nmap reports unblocked ports open (or closed), blocked ones filtered (drop and admin-prohibited alike). */
export function nmapAgreement(s: Scenario, xml: string): Agreement | undefined {
  const states = nmapPortStates(xml);
  if (states === undefined) return undefined;
  const fits = (p: number, state: string) =>
    isBlocked(s, p) ? state !== 'open' : state === (s.closed ? 'closed' : 'open');
  return agreement(s, (p) => states.get(p) ?? 'unlisted', fits, 'filtered');
}

/** The run that agreed least (ties: more false drops); agreement must hold in every run. */
export function worstOf<T extends Agreement>(items: Array<T | undefined>): T | undefined {
  return items.reduce<T | undefined>(
    (w, a) => (a && (!w || a.agree < w.agree || (a.agree === w.agree && a.falseDrops > w.falseDrops)) ? a : w),
    undefined,
  );
}

export function agreementText(a: (Agreement & { mismatches?: unknown[] }) | undefined, total: number): string {
  if (a === undefined) return 'n/a';
  const share =
    a.agree === total
      ? '100%'
      : `${((100 * a.agree) / total).toFixed(2)}% (${a.wrong.join(' ')}${a.mismatches ? ` ${JSON.stringify(a.mismatches.slice(0, 2))}` : ''})`;
  const runs = a.exactRuns === undefined ? '' : a.exactRuns ? ', runs exact' : ', runs differ';
  return `${share}${runs}, ${a.falseDrops} false drops`;
}
