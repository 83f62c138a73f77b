import { type Diagnosis, clientCompatibility, upgradeLog } from '../diagnosis/index.js';
import { type ObservationLog, SOFTWARE_LABEL, type TlsObservation } from '../observation/index.js';
import { addressSection } from './address-section.js';
import { redactArgv, redactCommandLine, scrubSecrets } from './redact.js';
import { REPORT_SCHEMA_VERSION, type Report, type ReportSweep } from './report-type.js';

export type { Report, ReportSweep } from './report-type.js';
export { REPORT_SCHEMA_VERSION } from './report-type.js';

export interface ReportMeta {
  argv: string[];
  version: string;
  /** Further secret values to scrub everywhere (e.g. the password read from --password-env). */
  secrets?: string[];
}

function sweepSection(log: ObservationLog): ReportSweep {
  const s = log.sweep;
  const ranges = s?.ranges ?? log.settings.ranges;
  const range: [number, number] = ranges.length
    ? [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))]
    : [0, 0];
  if (!s) return { performed: false, mode: log.settings.sweep, range, ranges, runs: [], counts: {}, portsTested: 0 };
  return {
    performed: true,
    mode: s.mode,
    range,
    ranges,
    address: s.address,
    cooperative: s.cooperative,
    runs: s.runs,
    counts: s.counts,
    portsTested: s.portsTested,
    elapsedMs: s.elapsedMs,
    complete: s.complete,
    ...(s.calibration ? { calibration: s.calibration } : {}),
  };
}

function elapsed(log: ObservationLog): number {
  const ms = Date.parse(log.endedAt) - Date.parse(log.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : 0;
}

/**
 * Observation log + diagnosis → the report, with every secret gone. A log from an earlier engine
 * is read as the diagnosis read it (upgradeLog), so the report never carries an old state name.
 */
export function buildReport(recorded: ObservationLog, diagnosis: Diagnosis, meta: ReportMeta): Report {
  const log = upgradeLog(recorded);
  const { argv, secrets } = redactArgv(meta.argv);
  const transcript = log.transcript.map((l) => (l.dir === 'sent' ? { ...l, text: redactCommandLine(l.text) } : l));
  const observations: ObservationLog = { ...log, transcript };
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'ftpdoctor', version: meta.version },
    startedAt: log.startedAt,
    endedAt: log.endedAt,
    commandLine: argv,
    target: {
      host: log.settings.host,
      port: log.settings.port,
      addresses: log.resolve?.addresses ?? [],
      used: log.resolve?.used ?? log.control.connect?.address,
      tls: log.settings.tls,
      ...(log.serverSoftware
        ? { software: { ...log.serverSoftware, label: SOFTWARE_LABEL[log.serverSoftware.name] } }
        : {}),
    },
    environment: {
      os: log.environment.os,
      node: log.environment.node,
      localAddresses: log.environment.localAddresses,
      externalAddress: log.serverView?.peer?.address,
      ephemeralPorts: log.environment.ephemeralPorts,
      fdLimit: log.environment.fdLimit,
    },
    options: log.settings,
    required: diagnosis.required,
    channels: diagnosis.channels,
    sweep: sweepSection(log),
    findings: diagnosis.findings,
    verdict: diagnosis.verdict,
    recommendation: diagnosis.recommendation,
    clients: clientCompatibility(log, diagnosis),
    timings: { totalMs: elapsed(log), steps: log.steps },
    complete: log.complete,
    abortReason: log.abortReason,
    addresses: addressSection(log),
    certificateAccepted: certificateAccepted(log.tls),
    transcript,
    observations,
  };
  // A JSON round trip: the report is exactly what `--json` prints (no undefined members).
  const plain = JSON.parse(JSON.stringify(report)) as Report;
  return scrubSecrets(plain, [...secrets, ...(meta.secrets ?? [])]);
}

function certificateAccepted(tls: TlsObservation | undefined): Report['certificateAccepted'] {
  if (!tls?.established || !tls.insecureAccepted || !tls.acceptedBy || !tls.certificate) return undefined;
  return {
    by: tls.acceptedBy,
    fingerprint256: tls.certificate.fingerprint256,
    authorizationError: tls.authorizationError,
  };
}
