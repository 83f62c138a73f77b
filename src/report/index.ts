/**
 * The report: the JSON contract built from an observation log and its diagnosis, its text and
 * markdown views, the atomic writer and the exit codes.
 */
export { EXIT, EXIT_MEANINGS, exitCodeFor } from './exit-code.js';
export { renderCatalogueList, renderExplanation } from './explain-text.js';
export { renderMarkdown } from './markdown.js';
export { renderText } from './plain-text.js';
export { scrubSecrets } from './redact.js';
export { buildReport, type Report } from './report.js';
export { reportJson, writeReport } from './write-report.js';
export { renderHtml } from './html/page.js';
export { REPORT_SCHEMA_VERSION } from './report.js';
export { upgradeReport } from './upgrade-report.js';
export { writeFileAtomic } from './write-report.js';
