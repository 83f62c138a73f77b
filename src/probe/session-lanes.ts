import type { PassiveAttempt } from '../observation/index.js';
import type { ControlChannel } from './control-channel.js';
import { ControlSessions, type DataMode } from './control-sessions.js';
import type { ProbeRun } from './probe-run.js';

/**
 * Control sessions a check runs its independent data probes on at once. A control session
 * serialises its commands (RFC 959 §5.3: one reply per command, in order), so PASV and EPSV, PROT P
 * and PROT C, and the samples, each waiting up to the data-connect deadline, run side by side only
 * on sessions of their own. The server's session limits bound this: vsftpd's max_per_ip, proftpd's
 * MaxClientsPerHost, pure-ftpd's -C and the reference server's per-address limit all refuse an extra
 * session (421 at the greeting, 530 at login); then the probes run one after another on the
 * sessions the server did accept. Six: under TLS with --tls-auto the check makes six probes, each
 * of which may wait out the deadline on a dropped range; six sessions make that one round (the
 * samples on such a range come after the sweep and wait only briefly, see passiveStep).
 */
export const MAX_DATA_SESSIONS = 6;

/** One independent data probe, and the kind of session it needs. */
export interface LaneTask<T> {
  mode: DataMode;
  probe: (channel: ControlChannel) => Promise<T>;
}

export class SessionLanes {
  /** Every extra session opened, for closing at the end. */
  private readonly extra: ControlSessions[] = [];
  private readonly lanes = new Map<number, Promise<ControlSessions | undefined>>();
  /** The server refused an extra session once: no more are asked for. */
  private refused = false;
  /** Sessions whose last PASV/EPSV advertised a port nobody connected to: the server still listens there. */
  private readonly pendingSetups = new Set<ControlChannel>();

  constructor(
    private readonly run: ProbeRun,
    /** The check's own sessions: the first lane. */
    private readonly main: ControlSessions,
  ) {}

  /**
   * Runs the tasks, at most MAX_DATA_SESSIONS at once, and returns their results in task order
   * (undefined for a task that did not run); `width` bounds it further (what the tasks share). A mode whose session could not be prepared (PROT P
   * refused, no TLS session to be had) is not tried again, as the serial plan broke off there.
   */
  async runAll<T>(tasks: ReadonlyArray<LaneTask<T>>, width = MAX_DATA_SESSIONS): Promise<Array<T | undefined>> {
    const results: Array<T | undefined> = Array.from({ length: tasks.length });
    const failedModes = new Set<string>();
    let next = 0;
    const work = async (lane: ControlSessions): Promise<void> => {
      while (next < tasks.length && !this.run.signal.aborted) {
        const index = next++;
        const task = tasks[index];
        if (!task || failedModes.has(modeKey(task.mode))) continue;
        if (!(await lane.prepareFor(task.mode))) {
          failedModes.add(modeKey(task.mode));
          continue;
        }
        results[index] = await task.probe(lane.session());
      }
    };
    const first = tasks[0];
    const wanted = first ? Math.min(MAX_DATA_SESSIONS, width, tasks.length) - 1 : 0;
    const workers = [work(this.main)];
    for (let i = 0; i < wanted; i++)
      workers.push(this.lane(i, first?.mode.tls ?? false).then((lane) => (lane ? work(lane) : undefined)));
    await Promise.all(workers);
    return results;
  }

  /** Notes whether a passive attempt on this session left an advertised port waiting for a connection. */
  notePassive<A extends PassiveAttempt>(channel: ControlChannel, attempt: A): A {
    // A refused PASV/EPSV leaves the session's earlier setup as it was.
    if (attempt.advertised === undefined) return attempt;
    if (!attempt.connections.some((c) => c.connect.state === 'open')) this.pendingSetups.add(channel);
    else this.pendingSetups.delete(channel);
    return attempt;
  }

  /** The usable sessions whose last passive setup nobody reached. */
  get pendingPassive(): ControlChannel[] {
    return [...this.pendingSetups].filter((channel) => channel.usable);
  }

  /** Extra sessions still open: they count against a server's per-address session limit. */
  get openSessions(): number {
    return this.extra.filter((lane) => lane.usable).length;
  }

  /** QUIT on every extra session, at once. */
  async quit(): Promise<void> {
    await Promise.all(this.extra.map((lane) => lane.quit()));
  }

  closeAll(): void {
    for (const lane of this.extra) lane.closeAll();
  }

  /**
   * Ends the extra sessions once the data steps are done: the experiments after them (--parallel,
   * --idle-test) open sessions of their own and count the server's limit from the check's one.
   */
  async release(): Promise<void> {
    await this.quit();
    this.closeAll();
  }

  /** The i-th extra session, opened (and logged in) on first use; undefined when the server refuses it. */
  private lane(i: number, tls: boolean): Promise<ControlSessions | undefined> {
    let lane = this.lanes.get(i);
    if (!lane) {
      if (this.refused) return Promise.resolve(undefined);
      lane = this.open(i, tls);
      this.lanes.set(i, lane);
    }
    return lane;
  }

  private async open(i: number, tls: boolean): Promise<ControlSessions | undefined> {
    const lane = new ControlSessions(this.run);
    this.extra.push(lane);
    if (await lane.reopen(tls, `opening parallel control session ${i + 2} for independent data probes`)) return lane;
    this.refused = true;
    this.run.transcript.note('the server did not accept another session: the data probes run one after another');
    return undefined;
  }
}

function modeKey({ tls, protection }: DataMode): string {
  return `${tls ? 'tls' : 'plain'}-${protection}`;
}
