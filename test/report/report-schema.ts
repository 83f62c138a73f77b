import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

/** The report schema, compiled once with ajv in strict mode, shared by the report tests. */
const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as object;

const ajv = new Ajv2020({ strict: true, allErrors: true });
export const validateReport = ajv.compile(schema);

export function schemaErrors(report: unknown): string {
  return validateReport(report) ? '' : ajv.errorsText(validateReport.errors, { separator: '\n' });
}
