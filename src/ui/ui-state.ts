import {
  CHANNELS,
  type Channel,
  type ChannelStatus,
  type ClientCompatibility,
  type Diagnosis,
  type Finding,
} from '../diagnosis/index.js';
import type {
  CertificateInfo,
  IdleTestObservation,
  ObservationLog,
  ParallelObservation,
  PortState,
  SweepCalibration,
  ProbeEvent,
  ProbeSettings,
  StepId,
  StepStatus,
  TranscriptLine,
  TransfersObservation,
} from '../observation/index.js';
import {
  type AddressRow,
  type RangeMap,
  addRuns,
  addressRows,
  createRangeMap,
  rangeMapFromRuns,
} from '../views/index.js';

/**
 * What the live view shows, derived from the engine's events and the diagnoses of their log
 * snapshots by one pure reducer. Components only render this state.
 */
export interface StepView {
  id: StepId;
  label: string;
  status: 'running' | StepStatus;
  elapsedMs?: number;
  summary?: string;
}

export interface ChannelView {
  /** pending: not tested yet; testing: its step runs and no verdict is known yet. */
  status: ChannelStatus | 'pending' | 'testing';
  summary: string;
}

export interface UiState {
  host: string;
  port: number;
  phase: 'running' | 'stopping' | 'done';
  steps: StepView[];
  channels: Record<Channel, ChannelView>;
  /** Absent when the sweep is off. */
  map?: RangeMap;
  sweep?: { done: number; counts: Partial<Record<PortState, number>> };
  /** What the sweep timed before its first port and the per-port deadline it took from that. */
  calibration?: SweepCalibration;
  transcript: TranscriptLine[];
  showTranscript: boolean;
  /** Most severe first; filled from the final diagnosis. */
  findings: Finding[];
  result?: { verdict: Diagnosis['verdict']; recommendation: string; complete: boolean };
  /** "Will my client work?", from the final report. */
  clients?: ClientCompatibility;
  /** Every address checked, when the check had more than one. */
  addresses?: AddressRow[];
  endedSteps: StepId[];
  notices: string[];
  /** False once the run was stopped or its log says it did not finish. */
  complete: boolean;
  /** The transfer experiments, once their step ended. */
  transfers?: TransfersObservation;
  /** The idle control connection test, once its step ended. */
  idleTest?: IdleTestObservation;
  /** The --parallel experiment, once its step ended. */
  parallel?: ParallelObservation;
  /** An untrusted certificate the person is being asked about; the engine waits for the answer. */
  certificateQuestion?: { certificate: CertificateInfo; authorizationError?: string };
  /** Consent to the plain-text comparison with the real login is being asked; the engine waits. */
  plainQuestion?: { user: string; host: string };
}

export type UiAction =
  | ProbeEvent
  | { type: 'diagnosis'; diagnosis: Diagnosis; final: boolean }
  | { type: 'clients'; clients: ClientCompatibility }
  | { type: 'toggle-transcript' }
  | { type: 'stopping'; reason: string }
  | { type: 'notice'; text: string }
  | { type: 'certificate-question'; certificate: CertificateInfo; authorizationError?: string }
  | { type: 'certificate-answered' }
  | { type: 'plain-question'; user: string; host: string }
  | { type: 'plain-answered' };

/** Which steps tell about which channel: its verdict is shown once one of them has ended. */
const CHANNEL_STEPS: Record<Channel, readonly StepId[]> = {
  control: ['control-connect', 'greeting', 'login'],
  tls: ['auth-tls'],
  passive: ['passive', 'sweep'],
  active: ['active'],
};

/** Enough lines for the `v` view and a scroll-back of context, bounded for long runs. */
const TRANSCRIPT_KEEP = 200;

export function initialUiState(settings: ProbeSettings): UiState {
  const channels = Object.fromEntries(CHANNELS.map((c) => [c, { status: 'pending', summary: '' }])) as Record<
    Channel,
    ChannelView
  >;
  const state: UiState = {
    host: settings.host,
    port: settings.port,
    phase: 'running',
    steps: [],
    channels,
    transcript: [],
    showTranscript: false,
    findings: [],
    endedSteps: [],
    notices: [],
    complete: true,
  };
  if (settings.sweep !== 'off') state.map = createRangeMap(settings.ranges);
  return state;
}

export function reduceUi(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'run-start':
      return { ...state, host: action.host, port: action.port };
    case 'step-start':
      return withTesting({
        ...state,
        steps: [
          ...state.steps.filter((s) => s.id !== action.id),
          { id: action.id, label: action.label, status: 'running' },
        ],
      });
    case 'step-end': {
      const { step } = action;
      const view: StepView = {
        id: step.id,
        label: step.label,
        status: step.status,
        elapsedMs: step.elapsedMs,
        summary: step.summary,
      };
      const known = state.steps.some((s) => s.id === step.id);
      const next: UiState = {
        ...state,
        steps: known ? state.steps.map((s) => (s.id === step.id ? view : s)) : [...state.steps, view],
        endedSteps: state.endedSteps.includes(step.id) ? state.endedSteps : [...state.endedSteps, step.id],
        ...(step.id === 'addresses' || step.id === 'family-data' ? { addresses: addressRows(action.log) } : {}),
      };
      if (step.id === 'transfers' && action.log.transfers) next.transfers = action.log.transfers;
      if (step.id === 'idle-test' && action.log.idleTest) next.idleTest = action.log.idleTest;
      if (step.id === 'parallel' && action.log.parallel) next.parallel = action.log.parallel;
      return withTesting(step.id === 'sweep' ? withFinalSweep(next, action.log) : next);
    }
    case 'transcript':
      return { ...state, transcript: [...state.transcript.slice(-(TRANSCRIPT_KEEP - 1)), action.line] };
    case 'sweep-calibrated':
      return { ...state, calibration: action.calibration };
    case 'sweep-progress': {
      const next: UiState = { ...state, sweep: { done: action.done, counts: action.counts } };
      if (state.map) next.map = addRuns(state.map, action.runs);
      return next;
    }
    case 'run-end': {
      const { log } = action;
      const aborted: StepStatus = 'aborted';
      const next: UiState = {
        ...state,
        phase: 'done',
        complete: state.complete && log.complete,
        steps: state.steps.map((s) => (s.status === 'running' ? { ...s, status: aborted } : s)),
      };
      return withFinalSweep(next, log);
    }
    case 'diagnosis':
      return applyDiagnosis(state, action.diagnosis, action.final);
    case 'clients':
      return { ...state, clients: action.clients };
    case 'toggle-transcript':
      return { ...state, showTranscript: !state.showTranscript };
    case 'stopping':
      return state.phase === 'running'
        ? { ...state, phase: 'stopping', complete: false, notices: [...state.notices, action.reason] }
        : state;
    case 'notice':
      return { ...state, notices: [...state.notices, action.text] };
    case 'certificate-question': {
      const { type: _, ...question } = action;
      return { ...state, certificateQuestion: question };
    }
    case 'certificate-answered': {
      const { certificateQuestion: _, ...rest } = state;
      return rest;
    }
    case 'plain-question':
      return { ...state, plainQuestion: { user: action.user, host: action.host } };
    case 'plain-answered': {
      const { plainQuestion: _, ...rest } = state;
      return rest;
    }
  }
}

/** The sweep as the log records it: progress events may have missed retried ports. */
function withFinalSweep(state: UiState, log: ObservationLog): UiState {
  const sweep = log.sweep;
  if (!sweep || !state.map) return state;
  return {
    ...state,
    map: rangeMapFromRuns(state.map.ranges, sweep.runs),
    sweep: { done: sweep.portsTested, counts: sweep.counts },
    ...(sweep.calibration ? { calibration: sweep.calibration } : {}),
  };
}

function applyDiagnosis(state: UiState, diagnosis: Diagnosis, final: boolean): UiState {
  const channels = { ...state.channels };
  for (const channel of CHANNELS) {
    const known = final || CHANNEL_STEPS[channel].some((id) => state.endedSteps.includes(id));
    if (known) channels[channel] = { ...diagnosis.channels[channel] };
  }
  if (!final) return withTesting({ ...state, channels });
  return {
    ...state,
    channels,
    phase: 'done',
    findings: diagnosis.findings,
    result: { verdict: diagnosis.verdict, recommendation: diagnosis.recommendation, complete: state.complete },
  };
}

/** A channel with no verdict yet shows "testing" while one of its steps runs. */
function withTesting(state: UiState): UiState {
  let channels = state.channels;
  for (const channel of CHANNELS) {
    const view = channels[channel];
    if (view.status !== 'pending' && view.status !== 'testing') continue;
    const running = state.steps.some((s) => s.status === 'running' && CHANNEL_STEPS[channel].includes(s.id));
    const status = running ? 'testing' : 'pending';
    if (status !== view.status) channels = { ...channels, [channel]: { status, summary: '' } };
  }
  return channels === state.channels ? state : { ...state, channels };
}
