import { type RangeSpecError, formatRanges, parseRangeSpec } from '../ftp/index.js';
import type { PortRun, PortState, SweepObservation } from '../observation/index.js';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  allowed,
  type ConcurrencyWindow,
  createWindow,
  onAnswer,
  onLocalExhaustion,
  onNoAnswer,
  onProvenLoss,
} from './concurrency-window.js';
import { InFlightAttempts } from './in-flight-attempts.js';
import { LocalPortPool, readEphemeralRange, sourcePortRanges } from './local-port-pool.js';
import { LoopTurnClock } from './loop-turn-clock.js';
import { measureFdBudget } from './open-file-limit.js';
import { isOwnAddress, OwnSocketGuard } from './own-socket-guard.js';
import { type AttemptContext, type AttemptResult, attemptPort } from './port-attempt.js';
import { compressRuns } from './port-runs.js';
import { selectPorts } from './port-selection.js';
import {
  addRttSample,
  createRttEstimate,
  DEFAULT_RTT_BOUNDS,
  type RttBounds,
  type RttEstimate,
} from './rtt-estimator.js';

export interface SweepProgress {
  done: number;
  total: number;
  counts: Partial<Record<PortState, number>>;
  /** Ports classified (or reclassified by a retry) since the previous progress call, compressed. */
  runs: PortRun[];
}

export interface SweepOptions {
  address: string;
  ranges: Array<[number, number]>;
  mode: 'full' | 'sample';
  /**
   * Cooperative reference server: verify its token on every connection. `listening` is what its
   * SITE FTPDOCTOR SWEEP reply says it listens on (ports it could not bind are left out); a reset
   * there is a firewall, anywhere else 'refused' (closed, or rejected by a rule: the reset cannot say
   * which). Without it the whole range counts.
   */
  token?: { serverId: string; listening?: Array<[number, number]> };
  /** RTT of the control connect: seeds the estimator so a wholly dropped range times out quickly. */
  initialRttMs?: number;
  /** Ports a PASV/EPSV advertised: a reset there is 'blocked-reset'. */
  knownListening?: number[];
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  maxConcurrency?: number;
  rttBounds?: Partial<RttBounds>;
  /** How long a connection may stay silent before its missing token counts (default: 2-5 s, from the RTT). */
  tokenWaitMs?: number;
  progressIntervalMs?: number;
}

/** runSweep was called with ranges a user could not have typed (the CLI validates with parseRangeSpec first). */
export class SweepInputError extends Error {
  constructor(
    readonly code: RangeSpecError | 'E_SWEEP_ADDRESS',
    message: string,
  ) {
    super(message);
    this.name = 'SweepInputError';
  }
}

const DEFAULT_MAX_CONCURRENCY = 2048;
/** Connects are cheap for both ends and a DROP costs the path nothing: start wide, back off to a wide floor. */
const INITIAL_WINDOW = 1024;
const FLOOR = 1024;
/** A second retry happens only when the first proved probes were being lost (nmap: retry as often as ever needed). */
const MAX_RETRY_PASSES = 2;
/** Local trouble (exhausted descriptors, our own socket answering) before a port is recorded as local-error. */
const MAX_LOCAL_RETRIES = 4;
/**
 * Connects issued per event-loop turn: issuing a thousand at once would hold the loop for tens of ms,
 * leaving completions unread and their timers running.
 */
const LAUNCH_BURST = 64;
const ERRNO_SAMPLES = 16;
const MISMATCH_SAMPLES = 8;
const DEFAULT_PROGRESS_MS = 100;
const TOKEN_WAIT_MIN_MS = 2000;
const TOKEN_WAIT_MAX_MS = 5000;

/** States that prove a host on the far side answered (for "a retry recovered a lost probe"). */
const HOST_ANSWERS: ReadonlySet<PortState> = new Set(['open', 'refused', 'blocked-reset', 'token-mismatch']);

export async function runSweep(opts: SweepOptions): Promise<SweepObservation> {
  const startedAt = performance.now();
  // One lookup per port would sweep whatever each answer said: the caller resolves once and passes the address.
  if (isIP(opts.address) === 0)
    throw new SweepInputError('E_SWEEP_ADDRESS', `cannot sweep "${opts.address}": give an IP address, not a host name`);
  const valid = parseRangeSpec(formatRanges(opts.ranges));
  if (!valid.ok) throw new SweepInputError(valid.code, `cannot sweep ${opts.address}: ${valid.message}`);
  const ranges = valid.ranges;
  const ports = selectPorts(ranges, opts.mode);
  const bounds: RttBounds = { ...DEFAULT_RTT_BOUNDS, ...opts.rttBounds };
  const fd = measureFdBudget();
  const limit = Math.max(1, Math.min(opts.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY, fd.budget));
  const listening = listeningCheck(opts);

  let rtt: RttEstimate = createRttEstimate(bounds, opts.initialRttMs);
  let window: ConcurrencyWindow = createWindow({ limit, initial: INITIAL_WINDOW, floor: FLOOR });
  const states = new Map<number, PortState>();
  const counts: Partial<Record<PortState, number>> = {};
  const errnos: Partial<Record<PortState, string[]>> = {};
  const tokenMismatches: NonNullable<SweepObservation['tokenMismatches']> = [];
  const passes: NonNullable<SweepObservation['passes']> = [];
  const localRetries = new Map<number, number>();
  let changed: Array<{ port: number; state: PortState }> = [];
  let lastProgress = 0;
  let retries = 0;
  let aborted = opts.signal?.aborted ?? false;

  const ephemeral = readEphemeralRange();
  const pinned = sourcePortRanges(ephemeral.range, ranges);
  const ctx: AttemptContext = {
    address: opts.address,
    inFlight: new InFlightAttempts(),
    clock: new LoopTurnClock(),
    aborted: () => aborted,
    ...(pinned
      ? { sourcePorts: new LocalPortPool(pinned) }
      : isOwnAddress(opts.address)
        ? { guard: new OwnSocketGuard() }
        : {}),
  };
  const onAbort = (): void => {
    aborted = true;
    ctx.inFlight.abortAll();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const progress = (force: boolean): void => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < (opts.progressIntervalMs ?? DEFAULT_PROGRESS_MS)) return;
    if (!force && changed.length === 0) return;
    lastProgress = now;
    const runs = compressRuns(changed);
    changed = [];
    try {
      opts.onProgress({ done: states.size, total: ports.length, counts: { ...counts }, runs });
    } catch {
      // A view that fails to draw must not stall the sweep it is drawing.
    }
  };

  const record = (port: number, state: PortState, errno: string | undefined): void => {
    const previous = states.get(port);
    if (previous !== undefined) counts[previous] = (counts[previous] ?? 1) - 1;
    states.set(port, state);
    counts[state] = (counts[state] ?? 0) + 1;
    if (opts.onProgress) changed.push({ port, state });
    if (errno === undefined) return;
    const samples = (errnos[state] ??= []);
    if (samples.length < ERRNO_SAMPLES) samples.push(errno);
  };

  const stateOf = (port: number, result: Extract<AttemptResult, { kind: 'answer' }>): PortState => {
    switch (result.connect) {
      case 'open':
        if (result.token && !result.token.ok) {
          if (tokenMismatches.length < MISMATCH_SAMPLES)
            tokenMismatches.push({ port, reason: result.token.reason, got: result.token.got });
          return 'token-mismatch';
        }
        return 'open';
      case 'reset':
        return listening(port) ? 'blocked-reset' : 'refused';
      default:
        return result.connect;
    }
  };

  /** One pass over `list`; returns how many ports a host answered that had no answer before. */
  const runPass = (list: number[], timeoutMs: number): Promise<number> =>
    new Promise((resolvePass) => {
      let next = 0;
      let inFlight = 0;
      let recovered = 0;
      const again: number[] = [];

      const settle = (port: number, result: AttemptResult): void => {
        if (result.kind === 'aborted') {
          aborted = true;
          return;
        }
        if (result.kind === 'retry-local') {
          const tries = (localRetries.get(port) ?? 0) + 1;
          localRetries.set(port, tries);
          if (result.why === 'exhausted') window = onLocalExhaustion(window, inFlight + 1);
          if (tries <= (result.why === 'source-port-busy' ? 4 * MAX_LOCAL_RETRIES : MAX_LOCAL_RETRIES))
            again.push(port);
          else record(port, 'local-error', result.errno ?? 'ESELFCONNECT');
          return;
        }
        const state = stateOf(port, result);
        if (result.rttMs !== undefined) {
          rtt = addRttSample(rtt, result.rttMs);
          if (ctx.token && opts.tokenWaitMs === undefined) ctx.token.waitMs = tokenWaitMs(rtt);
        }
        if (state === 'no-answer') window = onNoAnswer(window);
        else if (state !== 'local-error') window = onAnswer(window);
        if (states.get(port) === 'no-answer' && HOST_ANSWERS.has(state)) {
          if (recovered === 0) window = onProvenLoss(window);
          recovered++;
        }
        record(port, state, result.errno);
      };

      const completed = (port: number, result: AttemptResult): void => {
        inFlight--;
        settle(port, result);
        progress(false);
        pump();
      };

      let resumeQueued = false;
      const resume = (): void => {
        resumeQueued = false;
        pump();
      };
      const pump = (): void => {
        let launched = 0;
        while (!aborted && inFlight < allowed(window) && (again.length > 0 || next < list.length)) {
          if (launched++ === LAUNCH_BURST) {
            if (!resumeQueued) {
              resumeQueued = true;
              setImmediate(resume);
            }
            break;
          }
          const port = again.length > 0 ? again.shift()! : list[next++]!;
          inFlight++;
          attemptPort(port, timeoutMs === 0 ? rtt.timeoutMs : timeoutMs, ctx, completed);
        }
        if (inFlight === 0 && (aborted || (again.length === 0 && next >= list.length))) resolvePass(recovered);
      };
      pump();
    });

  if (!aborted) {
    if (opts.token) ctx.token = { serverId: opts.token.serverId, waitMs: opts.tokenWaitMs ?? tokenWaitMs(rtt) };
    let passStart = performance.now();
    // First pass: the timeout follows the estimator as samples arrive (0 = "current estimate").
    await runPass(ports, 0);
    passes.push({
      ports: ports.length,
      timeoutMs: round(rtt.timeoutMs),
      elapsedMs: round(performance.now() - passStart),
      answered: ports.length - (counts['no-answer'] ?? 0),
    });
    for (let pass = 1; pass <= MAX_RETRY_PASSES && !aborted; pass++) {
      const silent = ports.filter((p) => states.get(p) === 'no-answer');
      if (silent.length === 0) break;
      retries += silent.length;
      // Each retry waits twice as long as the pass before: it may be the last word on these ports, and the
      // estimator only knows the ports that answered.
      const timeoutMs = Math.min(bounds.maxMs, 2 ** pass * rtt.timeoutMs);
      passStart = performance.now();
      const recovered = await runPass(silent, timeoutMs);
      passes.push({
        ports: silent.length,
        timeoutMs: round(timeoutMs),
        elapsedMs: round(performance.now() - passStart),
        answered: silent.length - (counts['no-answer'] ?? 0),
      });
      if (recovered === 0) break;
    }
  }
  opts.signal?.removeEventListener('abort', onAbort);
  progress(true);

  const runs = compressRuns(ports.filter((p) => states.has(p)).map((port) => ({ port, state: states.get(port)! })));
  return {
    mode: opts.mode,
    address: opts.address,
    ranges,
    cooperative: opts.token !== undefined,
    runs,
    counts: Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)),
    portsTested: states.size,
    retries,
    timing: {
      srttMs: round(rtt.srttMs ?? 0),
      rttvarMs: round(rtt.rttvarMs ?? 0),
      timeoutMs: round(rtt.timeoutMs),
      ...(opts.initialRttMs === undefined ? {} : { initialRttMs: opts.initialRttMs }),
    },
    concurrency: {
      max: limit,
      final: allowed(window),
      ...(fd.softLimit === undefined ? {} : { fdLimit: fd.softLimit }),
    },
    errnos,
    sourcePorts: { ephemeral: ephemeral.range, ...(pinned ? { pinned } : {}) },
    passes,
    ...(tokenMismatches.length > 0 ? { tokenMismatches } : {}),
    elapsedMs: round(performance.now() - startedAt),
    complete: !aborted && states.size === ports.length,
  };
}

/** Which resets count as a firewall: on a port known to listen, a reset can only come from something else. */
function listeningCheck(opts: SweepOptions): (port: number) => boolean {
  const known = new Set(opts.knownListening ?? []);
  const serverRanges = opts.token ? (opts.token.listening ?? opts.ranges) : [];
  return (port) => known.has(port) || serverRanges.some(([from, to]) => port >= from && port <= to);
}

/**
 * The token comes from the server's own process, which may be busy accepting thousands of sweep
 * connections: a late token is not a missing one, so the wait is generous (a middlebox that accepts
 * and stays silent costs this much per port, in parallel).
 */
function tokenWaitMs(rtt: RttEstimate): number {
  return Math.min(TOKEN_WAIT_MAX_MS, Math.max(TOKEN_WAIT_MIN_MS, 4 * rtt.timeoutMs));
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
