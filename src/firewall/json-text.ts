import { DumpParseError, type DumpFormat } from './rule-model.js';

/** JSON as the tools print it, with a syntax error reported on its line. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A JSON value as text: scalars as they are, anything else as JSON. */
export function scalar(v: Json | undefined): string {
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether JSON.parse of `text` fails for a reason other than running out of input. */
function failsBeforeEnd(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch (err) {
    return !/end of JSON input|Unterminated string/i.test(err instanceof Error ? err.message : '');
  }
}

/**
 * Where a JSON text goes wrong: Node 24's messages no longer give a position for every error, so
 * the shortest failing prefix is found by bisection (about 25 parses even for a 32 MiB dump).
 */
function errorOffset(text: string): number {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (failsBeforeEnd(text.slice(0, mid + 1))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function parseJsonDump(text: string, format: DumpFormat): Json {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body) as Json;
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 120);
    const line = body.slice(0, errorOffset(body)).split('\n').length;
    throw new DumpParseError(format, line, `not valid JSON (${message})`);
  }
}

/** The line of a JSON text on which `needle` first occurs at or after `from`, for quoting. */
export function lineAt(text: string, needle: string, from: number): { line: number; next: number } {
  const at = text.indexOf(needle, from);
  if (at < 0) return { line: 1, next: from };
  return { line: text.slice(0, at).split('\n').length, next: at + needle.length };
}
