import {
  EXIT,
  REPORT_SCHEMA_VERSION,
  type Report,
  renderHtml,
  renderMarkdown,
  renderText,
  reportJson,
  upgradeReport,
  writeFileAtomic,
} from '../report/index.js';
import { liveFrame } from './report-live-frame.js';
import { readFile } from 'node:fs/promises';
import type { ValidateFunction } from 'ajv';
import { Option, type Command } from 'commander';
import { noColorRequested } from './check-plan.js';

/**
 * `ftpdoctor report FILE`: a support engineer receives the JSON file, not the run, and renders it
 * in any view the customer had. The file is checked against the schema it claims; a file that is
 * not a report, or one from a newer ftpdoctor, is refused with one line and exit 2.
 */

export type ReportFormat = 'text' | 'live' | 'markdown' | 'html' | 'json';

export interface ReportIo {
  writeOut(text: string): void;
  writeErr(text: string): void;
  env?: NodeJS.ProcessEnv;
  /** Colours in the live frame only on a terminal. */
  stdoutIsTTY?: boolean;
}

/** A saved report that cannot be read: the code is stable, the message says what is wrong with which file. */
export class ReportFileError extends Error {
  constructor(
    readonly code: 'E_REPORT_READ' | 'E_REPORT_JSON' | 'E_NOT_A_REPORT' | 'E_REPORT_NEWER' | 'E_REPORT_INVALID',
    message: string,
  ) {
    super(message);
  }
}

/** The schema validator, compiled on first use: other commands do not pay for it at start. */
let validator: ValidateFunction | undefined;
async function schemaValidator(): Promise<ValidateFunction> {
  if (validator) return validator;
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const schema = JSON.parse(
    await readFile(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'),
  ) as object;
  validator = new Ajv2020({ strict: true, allErrors: false }).compile(schema);
  return validator;
}

/** JSON text → a report of a version this ftpdoctor knows, valid against its schema, upgraded to this version. */
export async function parseSavedReport(text: string, file: string): Promise<Report> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ReportFileError(
      'E_REPORT_JSON',
      `${file} is not valid JSON (${(err as Error).message.replace(/\s+/g, ' ')})`,
    );
  }
  const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  const tool = record?.tool as Record<string, unknown> | undefined;
  if (!record || typeof record.schemaVersion !== 'number' || tool?.name !== 'ftpdoctor')
    throw new ReportFileError(
      'E_NOT_A_REPORT',
      `${file} is not an ftpdoctor report (no schemaVersion and tool.name "ftpdoctor")`,
    );
  if (record.schemaVersion > REPORT_SCHEMA_VERSION)
    throw new ReportFileError(
      'E_REPORT_NEWER',
      `${file} has schemaVersion ${record.schemaVersion}, newer than this ftpdoctor reads (up to ${REPORT_SCHEMA_VERSION}): update ftpdoctor`,
    );
  const validate = await schemaValidator();
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new ReportFileError(
      'E_REPORT_INVALID',
      `${file} does not match the report schema: ${first ? `${first.instancePath || '/'} ${first.message ?? ''}` : 'invalid'}`,
    );
  }
  return upgradeReport(value as Report);
}

export function renderReport(report: Report, format: ReportFormat, colour = false): string {
  switch (format) {
    case 'live':
      return liveFrame(report, { colour });
    case 'html':
      return renderHtml(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'json':
      return reportJson(report);
    case 'text':
      return renderText(report);
  }
}

export async function runReportCommand(
  file: string,
  flags: { format?: ReportFormat; output?: string; color?: boolean },
  io: ReportIo,
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    io.writeErr(
      `error: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} [E_REPORT_READ]\n`,
    );
    return EXIT.usage;
  }
  let report: Report;
  try {
    report = await parseSavedReport(text, file);
  } catch (err) {
    if (!(err instanceof ReportFileError)) throw err;
    io.writeErr(`error: ${err.message} [${err.code}]\n`);
    return EXIT.usage;
  }
  const colour =
    flags.color !== false && flags.output === undefined && io.stdoutIsTTY === true && !noColorRequested(io.env ?? {});
  const rendered = renderReport(report, flags.format ?? 'text', colour);
  if (flags.output === undefined) {
    io.writeOut(rendered);
    return 0;
  }
  try {
    await writeFileAtomic(flags.output, rendered);
  } catch (err) {
    io.writeErr(
      `error: cannot write ${flags.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`,
    );
    return 3;
  }
  io.writeErr(`Written to ${flags.output}\n`);
  return 0;
}

export function registerReport(program: Command, io: ReportIo, onExitCode: (code: number) => void): void {
  program
    .command('report')
    .description('render a saved JSON report (from --json or --output) as text, the live view, markdown, html or json')
    .argument('<file>', 'the JSON report file')
    .addOption(
      new Option(
        '--format <format>',
        "text (default), live (the live view's last frame), markdown, html or json",
      ).choices(['text', 'live', 'markdown', 'html', 'json']),
    )
    .addOption(new Option('--output <file>', 'write to FILE (atomically) instead of stdout'))
    .addOption(new Option('--no-color', 'no colours in the live frame (also when NO_COLOR is set)'))
    .addHelpText(
      'after',
      '\nExamples:\n  ftpdoctor report customer.json\n  ftpdoctor report customer.json --format live\n  ftpdoctor report customer.json --format html --output customer.html',
    )
    .action(async (file: string, flags: { format?: ReportFormat; output?: string; color?: boolean }) => {
      onExitCode(await runReportCommand(file, flags, { ...io, stdoutIsTTY: process.stdout.isTTY }));
    });
}
