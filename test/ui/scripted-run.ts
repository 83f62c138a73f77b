import type { Diagnosis, Finding } from '../../src/diagnosis/finding.js';
import { defaultSettings } from '../../src/probe/index.js';
import type { ProbeEvent } from '../../src/observation/index.js';
import type {
  ObservationLog,
  ProbeSettings,
  StepId,
  StepRecord,
  SweepObservation,
} from '../../src/observation/index.js';

/**
 * A scripted check of ftp.example.com where the firewall drops passive ports 63000-65535: the
 * events an engine would emit, in order, and the diagnoses of their snapshots.
 */
export const settings: ProbeSettings = { ...defaultSettings('ftp.example.com'), tls: 'auto', activePorts: [0, 0] };

export function log(steps: StepRecord[], sweep?: SweepObservation): ObservationLog {
  const l: ObservationLog = {
    observationVersion: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:05.000Z',
    complete: true,
    settings,
    environment: { os: 'linux', node: 'v24', localAddresses: [] },
    steps,
    control: { implicitTls: false },
    passive: [],
    active: [],
    transcript: [],
  };
  if (sweep) l.sweep = sweep;
  return l;
}

export function step(
  id: StepId,
  label: string,
  elapsedMs: number,
  summary: string,
  status: StepRecord['status'] = 'ok',
): StepRecord {
  return { id, label, status, startedMs: 0, elapsedMs, summary };
}

export const done: StepRecord[] = [
  step('resolve', 'Resolve ftp.example.com', 4, '203.0.113.10'),
  step('control-connect', 'Connect to port 21', 31, 'connected from 192.168.1.20'),
  step('greeting', 'Greeting', 12, '220 FTP ready'),
];

export const finalSweep: SweepObservation = {
  mode: 'full',
  address: '203.0.113.10',
  ranges: [[60000, 65535]],
  cooperative: false,
  runs: [
    { from: 60000, to: 62999, state: 'closed' },
    { from: 63000, to: 65535, state: 'no-answer' },
  ],
  counts: { closed: 3000, 'no-answer': 2536 },
  portsTested: 5536,
  retries: 2536,
  timing: { srttMs: 30, rttvarMs: 5, timeoutMs: 120 },
  concurrency: { max: 512, final: 512 },
  errnos: {},
  elapsedMs: 2400,
  complete: true,
};

const verdicts = (passive: Diagnosis['channels']['passive']): Diagnosis['channels'] => ({
  control: { status: 'ok', summary: 'connected and logged in as anonymous' },
  passive,
  active: { status: 'ok', summary: 'the server connected back to port 40000' },
  tls: { status: 'skipped', summary: 'the server does not offer AUTH TLS' },
});

export const midDiagnosis: Diagnosis = {
  required: ['passive'],
  channels: verdicts({ status: 'ok', summary: 'so far every passive transfer worked' }),
  findings: [],
  verdict: 'ok',
  recommendation: 'so far so good',
};

const blocked: Finding = {
  code: 'PASSIVE_PORTS_BLOCKED',
  severity: 'error',
  channel: 'passive',
  title: 'Passive ports 63000-65535 are dropped',
  how: 'drop',
  evidence: [{ ref: '/sweep/runs/1', fact: '2,536 ports gave no answer within 120 ms' }],
  rule: 'outbound TCP to 203.0.113.10 ports 63000-65535 is silently dropped between you and the server',
  where: 'path',
  actor: 'network-admin',
  fix: [
    'Allow outbound TCP to 203.0.113.10 ports 60000-65535',
    'Until then, retry transfers: 54% of passive ports work',
  ],
  examples: [],
  ports: [[63000, 65535]],
};

const info: Finding = {
  code: 'PASV_PRIVATE_ADDRESS',
  severity: 'info',
  channel: 'passive',
  title: 'The server advertises 10.0.0.5 in its 227 replies',
  evidence: [{ ref: '/passive/0/reply', fact: '227 Entering Passive Mode (10,0,0,5,246,80)' }],
  where: 'server-side',
  actor: 'server-admin',
  fix: ['Set pasv_address to the public address'],
  examples: [],
};

export const finalDiagnosis: Diagnosis = {
  required: ['passive'],
  channels: verdicts({ status: 'partial', summary: '3,000 of 5,536 passive ports reachable' }),
  findings: [blocked, info],
  verdict: 'problems',
  recommendation: 'Passive mode works only on ports 60000-62999: ask for 63000-65535 to be allowed.',
};

export const startEvents: ProbeEvent[] = [
  { type: 'run-start', at: '2026-01-01T00:00:00.000Z', host: 'ftp.example.com', port: 21 },
  { type: 'step-start', id: 'resolve', label: 'Resolve ftp.example.com', t: 0 },
];

export const midEvents: ProbeEvent[] = [
  { type: 'step-end', step: done[0]!, log: log(done.slice(0, 1)) },
  { type: 'step-start', id: 'control-connect', label: 'Connect to port 21', t: 4 },
  { type: 'transcript', line: { t: 40, dir: 'received', text: '220 FTP ready', channel: 'control' } },
  { type: 'step-end', step: done[1]!, log: log(done.slice(0, 2)) },
  { type: 'step-start', id: 'greeting', label: 'Greeting', t: 40 },
  { type: 'step-end', step: done[2]!, log: log(done) },
  { type: 'transcript', line: { t: 50, dir: 'sent', text: 'USER anonymous', channel: 'control' } },
  { type: 'step-start', id: 'sweep', label: 'Sweep passive range', t: 60 },
  {
    type: 'sweep-progress',
    done: 3000,
    total: 5536,
    counts: { closed: 3000 },
    runs: [{ from: 60000, to: 62999, state: 'closed' }],
  },
  {
    type: 'sweep-progress',
    done: 3501,
    total: 5536,
    counts: { closed: 3000, 'no-answer': 501 },
    runs: [{ from: 63000, to: 63500, state: 'no-answer' }],
  },
];

const sweepStep = step('sweep', 'Sweep passive range', 2400, '3,000 reachable, 2,536 dropped', 'warn');
export const endEvents: ProbeEvent[] = [
  { type: 'step-end', step: sweepStep, log: log([...done, sweepStep], finalSweep) },
  { type: 'run-end', log: log([...done, sweepStep], finalSweep) },
];
