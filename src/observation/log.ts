import type { Reply } from '../ftp/index.js';
import type { AddressesObservation } from './addresses.js';
import type { ControlObservation, LoginObservation, ResolveObservation, ServerView } from './control.js';
import type { ActiveAttempt, PassiveAttempt } from './data.js';
import type { EnvironmentObservation, LocalFirewallObservation } from './environment.js';
import type { ServerSoftware } from './server-software.js';
import type { ProbeSettings } from './settings.js';
import type { StepRecord } from './steps.js';
import type { SweepObservation } from './sweep.js';
import type { TlsReuseProbe } from './tls-reuse.js';
import type { ControlFallbackObservation } from './control-fallback.js';
import type { TlsObservation } from './tls.js';
import type { TranscriptLine } from './transcript.js';
import type { TransfersObservation } from './transfers.js';
import type { IdleTestObservation } from './idle.js';
import type { ParallelObservation } from './parallel.js';

/**
 * The observation log: what the probe engine saw, step by step, as plain JSON-serialisable data.
 * It records facts and decides nothing; the diagnosis turns it into findings and verdicts.
 * Every time is in milliseconds; every address is a literal IP as the socket reported it.
 */

export const OBSERVATION_VERSION = 1;

export interface ObservationLog {
  observationVersion: typeof OBSERVATION_VERSION;
  startedAt: string;
  endedAt: string;
  /** False when the run was stopped (Ctrl-C, deadline) or a step could not finish. */
  complete: boolean;
  abortReason?: 'signal' | 'deadline';
  settings: ProbeSettings;
  environment: EnvironmentObservation;
  steps: StepRecord[];
  resolve?: ResolveObservation;
  /** Every address checked on the control port, when there is more than one (src/probe/address-check.ts). */
  addresses?: AddressesObservation;
  control: ControlObservation;
  /** The other FTP ports, tried when the control port did not answer (src/probe/control-fallback.ts). */
  controlFallback?: ControlFallbackObservation;
  tls?: TlsObservation;
  login?: LoginObservation;
  features?: { featReply?: Reply; features: string[]; systReply?: Reply };
  /** Which server software answered, recognised from greeting, SYST and FEAT (src/probe/server-software.ts). */
  serverSoftware?: ServerSoftware;
  serverView?: ServerView;
  passive: PassiveAttempt[];
  active: ActiveAttempt[];
  /** The server's TLS session-reuse policy, probed after the passive step (src/probe/tls-reuse-probe.ts). */
  tlsReuse?: TlsReuseProbe;
  sweep?: SweepObservation;
  localFirewall?: LocalFirewallObservation;
  /** The opt-in transfer experiments (--download, --upload-dir; src/probe/transfer-step.ts). */
  transfers?: TransfersObservation;
  /** The idle control connection test (--idle-test; src/probe/idle-test.ts). */
  idleTest?: IdleTestObservation;
  /** Many sessions and transfers at once (--parallel; src/probe/parallel-test.ts). */
  parallel?: ParallelObservation;
  transcript: TranscriptLine[];
}
