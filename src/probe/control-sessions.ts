import { ProbeError, asProbeError } from '../net/index.js';
import type { Protection } from '../observation/index.js';
import type { SecureVersion } from 'node:tls';
import { ControlChannel } from './control-channel.js';
import { openControl, readGreeting, resumeSession } from './control-session.js';
import { awaitsLateReply, stopAwaitingLateReplies } from './late-reply.js';
import type { ProbeRun } from './probe-run.js';
import { MAX_REOPENS } from './settings.js';

/** One way of running a data probe: over a TLS or plain control session, with PROT P or PROT C. */
export interface DataMode {
  tls: boolean;
  protection: Protection;
}

/**
 * Owns the run's control sessions: the current one, the ones it replaced (closed at the end), and
 * how a replacement is opened — always through resumeSession, the same protocol sequence as the
 * first session's steps. A session is replaced when it closed or fell out of step (a reply that
 * never came may still arrive), or when a probe needs the other kind (TLS or plain).
 */
export class ControlSessions {
  private current: ControlChannel | undefined;
  private readonly retired: ControlChannel[] = [];
  private reopens = 0;
  /** The data protection in force on the current session (RFC 4217 §9: PROT C by default). */
  protection: Protection = 'clear';
  /** Why the last reopen failed, when a connection or TLS handshake said so (a pinned TLS version refused). */
  lastFailure: ProbeError | undefined;

  constructor(private readonly run: ProbeRun) {}

  /** The first session, opened by the engine's own steps. */
  adopt(channel: ControlChannel): void {
    this.current = channel;
  }

  get channel(): ControlChannel | undefined {
    return this.current;
  }

  get usable(): boolean {
    return this.current?.usable === true;
  }

  /** The current session; a step that runs without one fails with E_CLOSED. */
  session(): ControlChannel {
    if (!this.current) throw new ProbeError('E_CLOSED', 'no control session');
    return this.current;
  }

  /** Makes the current session fit for the next data probe: the right kind, usable, the right PROT level. */
  async prepareFor({ tls, protection }: DataMode): Promise<boolean> {
    const { run } = this;
    if (run.signal.aborted) return false;
    if (this.usable && (this.current?.isTls !== tls || this.current?.tlsVersion)) {
      const kind = tls ? 'TLS' : 'plain-text';
      const pinned = this.current?.tlsVersion;
      const why = pinned
        ? `opening a ${kind} control session without the ${pinned} limit`
        : `opening a ${kind} control session for the comparison`;
      if (!(await this.reopen(tls, why))) return false;
    } else if (!this.usable) {
      if (this.reopens >= MAX_REOPENS) return false;
      this.reopens += 1;
      const lost = this.current?.closedReason;
      const why = `control session ${lost ? `lost (${lost.code}: ${lost.message})` : 'out of step'}; opening a fresh one`;
      if (!(await this.reopen(tls, why))) return false;
    }
    if (!tls || this.protection === protection) return true;
    const channel = this.session();
    let reply;
    try {
      reply = await channel.send(
        protection === 'private' ? 'PROT P' : 'PROT C',
        run.settings.stepTimeoutMs,
        run.signal,
      );
    } catch (err) {
      // A server may end the session right after a final reply (vsftpd exits after its "522 … session
      // reuse required"), before we saw the close: a lost session, so a fresh one (bounded by MAX_REOPENS).
      if (channel.usable || run.signal.aborted) throw err;
      return this.prepareFor({ tls, protection });
    }
    if (protection === 'clear' && run.log.tls) run.log.tls.protClearReply = reply;
    if (reply.code !== 200) return false;
    this.protection = protection;
    return true;
  }

  /** A new control connection up to its greeting (implicit TLS included), replacing the current one. */
  async reconnect(why: string, version?: SecureVersion): Promise<boolean> {
    const { run } = this;
    this.retire();
    this.lastFailure = undefined;
    if (run.signal.aborted) return false;
    run.transcript.note(why);
    const open = await openControl(run, run.address, version);
    const tlsError = open.tls?.error;
    if (tlsError) this.lastFailure = new ProbeError(tlsError.code, tlsError.message);
    if (!open.channel) return false;
    this.current = open.channel;
    open.channel.tlsVersion = version;
    const { closedEarly } = await readGreeting(run, open.channel);
    return closedEarly === undefined;
  }

  /** QUIT on a usable session (RFC 959 §4.1.1); the session ends either way. */
  async quit(): Promise<void> {
    const channel = this.current;
    if (!channel?.usable || this.run.signal.aborted) return;
    try {
      await channel.send('QUIT', Math.min(this.run.settings.stepTimeoutMs, QUIT_WAIT_MS), this.run.signal);
    } catch {
      // Nothing to do: the connection is closed by closeAll.
    }
  }

  closeAll(): void {
    this.current?.close();
    for (const c of this.retired) c.close();
  }

  private retire(): void {
    if (!this.current) return;
    // A session left waiting for a late reply stays open until it comes or the check ends (closeAll).
    if (!awaitsLateReply(this.run, this.current)) this.current.close();
    this.retired.push(this.current);
    this.current = undefined;
  }

  /** A fresh session of the given kind (under TLS, pinned to `version` if given), logged in, replacing the current one. */
  async reopen(tls: boolean, why: string, version?: SecureVersion): Promise<boolean> {
    if (await this.open(tls, why, version)) return true;
    // The sessions kept open for a late reply count against the server's limit: the check's own come first.
    return (
      stopAwaitingLateReplies(this.run) &&
      this.open(tls, `${why} (again, without the sessions kept for late replies)`, version)
    );
  }

  private async open(tls: boolean, why: string, version: SecureVersion | undefined): Promise<boolean> {
    try {
      if (!(await this.reconnect(why, version))) return false;
      const protection = await resumeSession(this.run, this.session(), tls);
      if (protection === undefined) {
        this.lastFailure ??= this.current?.closedReason;
        return false;
      }
      this.protection = protection;
      return true;
    } catch (err) {
      this.run.transcript.note(`could not open a fresh session: ${asProbeError(err).message}`);
      return false;
    }
  }
}

/** A server that does not answer QUIT quickly is not waited for: the check is over. */
const QUIT_WAIT_MS = 2000;
