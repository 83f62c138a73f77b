import type { ReportAddresses } from './address-section.js';
import type { Channel, ClientCompatibility, Diagnosis, Finding, Verdicts } from '../diagnosis/index.js';
import type {
  ObservationLog,
  PortRun,
  PortState,
  ProbeSettings,
  ServerSoftware,
  StepRecord,
  SweepCalibration,
  TlsObservation,
  TranscriptLine,
} from '../observation/index.js';

/**
 * The JSON report: the contract support teams and tools build on. The stable core is
 * channels.*.status, sweep.range / sweep.runs, findings[].code/severity/channel and verdict;
 * schema/report.schema.json describes all of it and the tests validate every report against it.
 */

/**
 * 2: the sweep state 'refused' replaced 'closed' (issue 12), which a reader of 1 would reject or
 * read as "path open". Bumped only on such a change; optional new fields come without a bump.
 */
export const REPORT_SCHEMA_VERSION = 2;

/** Every version `ftpdoctor report` reads: earlier ones are upgraded on reading (upgrade-report.ts). */
export type ReportSchemaVersion = 1 | typeof REPORT_SCHEMA_VERSION;

export interface ReportSweep {
  performed: boolean;
  mode: 'full' | 'sample' | 'off';
  /** The overall span swept (or that would have been): [lowest from, highest to]. */
  range: [number, number];
  ranges: Array<[number, number]>;
  address?: string;
  cooperative?: boolean;
  runs: PortRun[];
  counts: Partial<Record<PortState, number>>;
  portsTested: number;
  elapsedMs?: number;
  complete?: boolean;
  /** What the sweep timed first and the per-port deadline it took (optional: older reports lack it). */
  calibration?: SweepCalibration;
}

export interface Report {
  schemaVersion: ReportSchemaVersion;
  tool: { name: 'ftpdoctor'; version: string };
  startedAt: string;
  endedAt: string;
  /** The command line as typed, with secrets replaced by "***". */
  commandLine: string[];
  target: {
    host: string;
    port: number;
    addresses: Array<{ address: string; family: 4 | 6 }>;
    used?: string;
    tls: ProbeSettings['tls'];
    /** Which server software answered (greeting, SYST, FEAT), when recognised; advice follows it. */
    software?: ServerSoftware & { label: string };
  };
  environment: {
    os: string;
    node: string;
    localAddresses: string[];
    /** Our address as the server saw it (reference server only). */
    externalAddress?: string;
    ephemeralPorts?: [number, number];
    fdLimit?: number;
  };
  options: ProbeSettings;
  required: Channel[];
  channels: Verdicts;
  sweep: ReportSweep;
  findings: Finding[];
  verdict: Diagnosis['verdict'];
  recommendation: string;
  /** "Will my client work?" per common client (optional: reports before it lack it). */
  clients?: ClientCompatibility;
  timings: { totalMs: number; steps: StepRecord[] };
  complete: boolean;
  abortReason?: ObservationLog['abortReason'];
  /** Every address checked on the control port, and passive data per IP family (optional: only when there was a choice). */
  addresses?: ReportAddresses;
  /** The check went on with a certificate the system does not trust: who accepted it, and which one. */
  certificateAccepted?: {
    by: NonNullable<TlsObservation['acceptedBy']>;
    fingerprint256: string;
    authorizationError?: string;
  };
  transcript: TranscriptLine[];
  /** The whole observation log (redacted), which findings[].evidence[].ref points into. */
  observations: ObservationLog;
}
