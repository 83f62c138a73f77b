import { isNegative } from '../ftp/index.js';
import type { GreetingKind, Reply } from '../observation/index.js';

/**
 * What answered on the control port, from the first bytes and the first reply (if one parsed).
 * A 220 is FTP unless it names a mail server (SMTP greets with 220 too, RFC 5321 §4.2); SSH
 * announces itself with "SSH-" (RFC 4253 §4.2); an HTTP server only speaks after a request, so
 * its "HTTP/" comes back to our nudge; a TLS record header (0x16/0x15, 0x03) means the port wants
 * a handshake first, as implicit FTPS does.
 */
export function classifyGreeting(first: Uint8Array, reply: Reply | undefined, closed: boolean): GreetingKind {
  const head = Buffer.from(first.subarray(0, 16)).toString('latin1');
  if (head.startsWith('SSH-')) return 'ssh';
  if (head.startsWith('HTTP/')) return 'http';
  if (first.length >= 2 && (first[0] === 0x16 || first[0] === 0x15) && first[1] === 0x03) return 'tls';
  if (reply) {
    if (reply.code === 220 && /\b(E?SMTP|Postfix|Exim|Sendmail)\b/i.test(reply.text)) return 'smtp';
    if (reply.code === 220) return 'ftp';
    if (isNegative(reply)) return 'ftp-busy';
    return 'garbage';
  }
  if (first.length === 0) return closed ? 'closed' : 'silent';
  return looksLikePartialReply(first) && !closed ? 'slow' : 'garbage';
}

/** Bytes that could still become an FTP reply line ("2", "22", "220 Serv…" without an end yet). */
export function looksLikePartialReply(first: Uint8Array): boolean {
  const text = Buffer.from(first.subarray(0, 4)).toString('latin1');
  return /^\d{1,3}$|^\d{3}[ -]/.test(text);
}

/** Printable form of the first bytes: ASCII kept, CR/LF/TAB and everything else escaped, capped. */
export function printableBytes(bytes: Uint8Array, maxChars = 256): string {
  let out = '';
  for (const b of bytes) {
    const piece =
      b === 0x0d
        ? '\\r'
        : b === 0x0a
          ? '\\n'
          : b === 0x09
            ? '\\t'
            : b === 0x5c
              ? '\\\\'
              : b >= 0x20 && b < 0x7f
                ? String.fromCharCode(b)
                : `\\x${b.toString(16).padStart(2, '0')}`;
    if (out.length + piece.length > maxChars) break;
    out += piece;
  }
  return out;
}
