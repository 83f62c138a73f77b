import type { ProbeEvent } from '../observation/index.js';
import type { ControlSessions } from './control-sessions.js';
import type { ProbeRun } from './probe-run.js';
import type { SessionLanes } from './session-lanes.js';
import type { StepRunner } from './step-runner.js';

/** What the steps of one check share beyond the run itself: the step runner, the sessions, what was learnt. */
export interface CheckContext {
  readonly run: ProbeRun;
  readonly steps: StepRunner;
  readonly sessions: ControlSessions;
  /** The check's own session and the extra ones its independent data probes run on at once. */
  readonly lanes: SessionLanes;
  readonly emit: (e: ProbeEvent) => void;
  /** The check's own session runs under TLS (implicit, or after AUTH TLS). */
  sessionTls: boolean;
  /** The server offers the reference server's probe extensions (SITE FTPDOCTOR …). */
  extensions: boolean;
  /** Whether the server went away during the run, asked once (see server-liveness.ts). */
  serverGone?: Promise<string | undefined>;
}
