import { asProbeError } from '../net/index.js';
import type { ProbeEvent, StepId, StepStatus } from '../observation/index.js';
import { elapsedSince, type ProbeRun } from './probe-run.js';

/** How each step is named for views, also when it is recorded as skipped. */
const STEP_LABELS: Record<StepId, string> = {
  resolve: 'Resolve the host name',
  addresses: 'Connect to every address of the server',
  'control-connect': 'Connect to the control port',
  'control-fallback': 'Try the other FTP ports (21, 990) of the host',
  greeting: 'Read the server greeting',
  'auth-tls': 'Negotiate TLS',
  login: 'Log in',
  features: 'Ask for features (FEAT, SYST, TYPE I)',
  'server-view': 'Ask the reference server what it sees',
  passive: 'Passive data connections (PASV, EPSV)',
  'tls-reuse':
    'Probe the TLS session-reuse policy per TLS version (resumed and fresh TLS sessions on data connections)',
  active: 'Active data connections (PORT/EPRT)',
  'family-data': 'Passive data over IPv4 and IPv6',
  sweep: 'Sweep the passive port range',
  transfers: 'Download and upload files of a few sizes',
  parallel: 'Many sessions listing at once',
  'idle-test': 'Keep control connections idle, then NOOP',
  'local-firewall': "Read this computer's firewall rules",
};

export interface StepResult {
  status: StepStatus;
  summary: string;
}

/**
 * Runs one step at a time: announces it, turns whatever it throws into a failed step (a stopped run
 * into an aborted one), records it in the log and tells the views, with a snapshot of the log.
 */
export class StepRunner {
  constructor(
    private readonly run: ProbeRun,
    private readonly started: number,
    private readonly emit: (e: ProbeEvent) => void,
    /** Whether a control session is still usable: a step that threw without one ended the session. */
    private readonly sessionUsable: () => boolean,
  ) {}

  elapsed(): number {
    return elapsedSince(this.started);
  }

  async step(id: StepId, body: () => Promise<StepResult>): Promise<StepStatus> {
    const { run } = this;
    if (run.signal.aborted) return 'aborted';
    const startedMs = this.elapsed();
    this.emit({ type: 'step-start', id, label: STEP_LABELS[id], t: startedMs });
    let result: StepResult;
    try {
      result = await body();
    } catch (err) {
      const e = asProbeError(err);
      result = { status: e.code === 'E_ABORTED' ? 'aborted' : 'fail', summary: `${e.code}: ${e.message}` };
      const sessionStep = id !== 'resolve' && id !== 'control-connect';
      if (sessionStep && !run.log.control.closedEarly && !this.sessionUsable()) {
        run.log.control.closedEarly = { reason: e.message, code: e.code, elapsedMs: this.elapsed() };
      }
    }
    if (run.signal.aborted && result.status !== 'ok')
      result = { status: 'aborted', summary: `stopped (${run.log.abortReason ?? 'signal'}): ${result.summary}` };
    this.record(id, result.status, startedMs, result.summary);
    return result.status;
  }

  record(id: StepId, status: StepStatus, startedMs: number, summary: string): void {
    const step = { id, label: STEP_LABELS[id], status, startedMs, elapsedMs: this.elapsed() - startedMs, summary };
    this.run.log.steps.push(step);
    this.emit({ type: 'step-end', step, log: structuredClone(this.run.log) });
  }

  /** Records steps that did not run because an earlier one failed. */
  skip(ids: readonly StepId[], why: string): void {
    if (this.run.signal.aborted) return;
    for (const id of ids) this.record(id, 'skipped', this.elapsed(), why);
  }
}
