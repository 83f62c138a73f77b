import { DumpParseError, type DumpFormat } from './rule-model.js';

/** JSON as the tools print it, with a syntax error reported on its line. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseJsonDump(text: string, format: DumpFormat): Json {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as Json;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const lineOf = /line (\d+)/.exec(message)?.[1];
    const position = /position (\d+)/.exec(message)?.[1];
    const line = lineOf
      ? Number(lineOf)
      : position
        ? text.slice(0, Number(position)).split('\n').length
        : text.split('\n').length;
    throw new DumpParseError(format, line, `not valid JSON (${message.replace(/\s*\(line \d+ column \d+\)/, '')})`);
  }
}

/** The line of a JSON text on which `needle` first occurs at or after `from`, for quoting. */
export function lineAt(text: string, needle: string, from: number): { line: number; next: number } {
  const at = text.indexOf(needle, from);
  if (at < 0) return { line: 1, next: from };
  return { line: text.slice(0, at).split('\n').length, next: at + needle.length };
}
