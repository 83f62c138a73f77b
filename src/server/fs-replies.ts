import { FsError, resolveVirtualPath } from './virtual-fs.js';
import type { Session } from './session.js';

/** The reply for a file-tree failure: 550 for everything a client may not see (RFC 959 §4.2.2), 552 for size. */
export function replyFsError(session: Session, err: unknown): void {
  if (!(err instanceof FsError)) throw err;
  const texts: Record<FsError['code'], [number, string]> = {
    'not-found': [550, `${err.path}: No such file or directory.`],
    'outside-root': [550, `${err.path}: Permission denied (outside the served root).`],
    'not-a-directory': [550, `${err.path}: Not a directory.`],
    'is-a-directory': [550, `${err.path}: Is a directory.`],
    'read-only': [550, `${err.path}: Permission denied (read-only server; start it with --writable).`],
    'too-large': [552, `${err.path}: Exceeded storage allocation.`],
  };
  const [code, text] = texts[err.code];
  session.reply(code, text);
}

/** Resolves a client path against the session's directory; undefined after replying 550 when it escapes. */
export function sessionPath(session: Session, input: string): string | undefined {
  try {
    return resolveVirtualPath(session.cwd, input);
  } catch (err) {
    replyFsError(session, err);
    return undefined;
  }
}

/** RFC 959 §7 example and RFC 1123: a quote inside a 257 path is doubled. */
export function quotePath(path: string): string {
  return `"${path.replaceAll('"', '""')}"`;
}
