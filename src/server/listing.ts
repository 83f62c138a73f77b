import type { FileEntry } from './virtual-fs.js';

/**
 * Directory listing formats. LIST has no standard format (RFC 959 §4.1.3 leaves it to the server);
 * the Unix "ls -l" layout is what clients parse best. MLSD/MLST facts follow RFC 3659 §7.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;

const pad2 = (n: number): string => String(n).padStart(2, '0');

function lsDate(mtime: Date, now: Date): string {
  const month = MONTHS[mtime.getUTCMonth()];
  const day = String(mtime.getUTCDate()).padStart(2, ' ');
  const recent = Math.abs(now.getTime() - mtime.getTime()) < SIX_MONTHS_MS;
  const tail = recent ? `${pad2(mtime.getUTCHours())}:${pad2(mtime.getUTCMinutes())}` : ` ${mtime.getUTCFullYear()}`;
  return `${month} ${day} ${tail}`;
}

export function formatListLine(e: FileEntry, now: Date): string {
  const w = e.writable ? 'w' : '-';
  const mode = e.type === 'dir' ? `dr${w}xr-xr-x` : `-r${w}-r--r--`;
  return `${mode} 1 ftp ftp ${String(e.size).padStart(12, ' ')} ${lsDate(e.mtime, now)} ${e.name}`;
}

/** RFC 3659 §2.3 time-val: YYYYMMDDHHMMSS in UTC. */
export function formatTimeVal(d: Date): string {
  return (
    `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}` +
    `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`
  );
}

/** RFC 3659 §7.2 facts; "type=cdir" for the listed directory itself (§7.5.1). */
export function formatFacts(e: FileEntry, type: 'file' | 'dir' | 'cdir' = e.type): string {
  const perm = e.type === 'dir' ? (e.writable ? 'elc' : 'el') : e.writable ? 'rw' : 'r';
  const size = e.type === 'file' ? `size=${e.size};` : '';
  return `type=${type};${size}modify=${formatTimeVal(e.mtime)};perm=${perm};`;
}

export function formatMlsdLine(e: FileEntry): string {
  return `${formatFacts(e)} ${e.name}`;
}

export type ListingFormat = 'LIST' | 'NLST' | 'MLSD';

/** A listing as it travels on the data connection, and the instant from which it no longer holds. */
export interface RenderedListing {
  bytes: Buffer;
  /** ms since the epoch; Infinity when the text does not depend on the time. */
  validUntil: number;
}

/**
 * The first instant after `now` at which some LIST date switches between "time" and "year" form:
 * until then the rendered text stays exactly what a fresh rendering would give.
 */
function nextDateFormSwitch(entries: readonly FileEntry[], now: number): number {
  let next = Infinity;
  for (const e of entries) {
    const t = e.mtime.getTime();
    for (const edge of [t - SIX_MONTHS_MS, t + SIX_MONTHS_MS]) if (edge > now && edge < next) next = edge;
  }
  return next;
}

/** Listings travel in ASCII with CRLF line ends whatever TYPE says (RFC 959 §4.1.3). */
export function renderListing(format: ListingFormat, entries: readonly FileEntry[], now: number): RenderedListing {
  let text = '';
  let validUntil = Infinity;
  if (format === 'LIST') {
    const date = new Date(now);
    for (const e of entries) text += `${formatListLine(e, date)}\r\n`;
    validUntil = nextDateFormSwitch(entries, now);
  } else {
    for (const e of entries) text += `${format === 'NLST' ? e.name : formatMlsdLine(e)}\r\n`;
  }
  return { bytes: Buffer.from(text, 'utf8'), validUntil };
}
