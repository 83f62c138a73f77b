import { renameClosedState } from '../observation/index.js';
import { REPORT_SCHEMA_VERSION, type Report } from './report-type.js';

/**
 * A saved report of an earlier schemaVersion, read as this version writes it, so every view
 * renders one vocabulary: version 1's 'closed' sweep state is 'refused' (it never proved the
 * path open), in the summary and in the observation log it carries.
 */
export function upgradeReport(report: Report): Report {
  if (report.schemaVersion === REPORT_SCHEMA_VERSION) return report;
  const observations = report.observations.sweep
    ? { ...report.observations, sweep: renameClosedState(report.observations.sweep) }
    : report.observations;
  return { ...report, schemaVersion: REPORT_SCHEMA_VERSION, sweep: renameClosedState(report.sweep), observations };
}
