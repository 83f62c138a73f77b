import type { ProbeSettings } from '../observation/index.js';
import { DEFAULT_TRANSFER_MAX_BYTES } from '../probe/index.js';
import type { Parsed } from './flag-values.js';

/** The flags of the transfer experiments (issue 17), as the program parsed them. */
export interface TransferFlags {
  download?: string;
  maxBytes?: number;
  uploadDir?: string;
}

const UNIT_BYTES: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2 };
/** Upper bound of --max-bytes: a diagnosis, not a load test. */
const MAX_TRANSFER_BYTES = 256 * 1024 ** 2;

/** `4MB`, `512KB`, `100000` (bytes); KB and MB are binary (1024). */
export function parseByteSize(text: string): Parsed<number> {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNIT_BYTES[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined)
    return { ok: false, message: `"${text}" is not a size: write 500KB, 4MB or a number of bytes` };
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < 1 || bytes > MAX_TRANSFER_BYTES)
    return { ok: false, message: `${text.trim()} is outside 1 byte to ${MAX_TRANSFER_BYTES / 1024 ** 2} MB` };
  return { ok: true, value: bytes };
}

/** The experiments' settings, or undefined when none was asked for (then only a writable reference server gets them). */
export function transferSettings(flags: TransferFlags): ProbeSettings['transfers'] {
  if (flags.download === undefined && flags.uploadDir === undefined && flags.maxBytes === undefined) return undefined;
  return {
    maxBytes: flags.maxBytes ?? DEFAULT_TRANSFER_MAX_BYTES,
    ...(flags.download !== undefined ? { download: flags.download } : {}),
    ...(flags.uploadDir !== undefined ? { uploadDir: flags.uploadDir } : {}),
  };
}
