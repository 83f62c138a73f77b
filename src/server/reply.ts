/**
 * RFC 959 §4.2 reply formatting. A single line is "ddd text"; a multi-line reply is "ddd-first",
 * continuation lines, then "ddd last". Continuation lines are indented by one space so that none of
 * them can start with a digit and be mistaken for the end (RFC 959 §4.2 note, RFC 2389 §3.2 for FEAT).
 */
export function formatReply(code: number, text: string | readonly string[]): string {
  // nearly every reply is one line: no split, no array
  if (typeof text === 'string' && !text.includes('\n')) return `${code} ${text}\r\n`;
  const lines = typeof text === 'string' ? text.split(/\r?\n/) : [...text];
  if (lines.length <= 1) return `${code} ${lines[0] ?? ''}\r\n`;
  const first = lines[0] ?? '';
  const last = lines[lines.length - 1] ?? '';
  const middle = lines.slice(1, -1).map((l) => (l.startsWith(' ') ? l : ` ${l}`));
  return [`${code}-${first}`, ...middle, `${code} ${last}`].join('\r\n') + '\r\n';
}
