import { posix } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * What the FTP commands see of a file tree: absolute virtual paths ("/pub/a.txt") inside one root.
 * Two implementations: the in-memory demo tree and a directory on disk (root-fs.ts).
 */

export interface FileEntry {
  name: string;
  type: 'file' | 'dir';
  size: number;
  mtime: Date;
  writable: boolean;
}

export type FsErrorCode =
  'not-found' | 'outside-root' | 'not-a-directory' | 'is-a-directory' | 'read-only' | 'too-large';

/** Every file-tree failure the commands turn into a 550/552 reply. */
export class FsError extends Error {
  constructor(
    readonly code: FsErrorCode,
    readonly path: string,
    detail?: string,
  ) {
    super(detail ?? `${path}: ${code}`);
  }
}

export interface VirtualFs {
  /**
   * Counts the changes made to the tree, so a rendered listing can be kept until the next one;
   * undefined when the tree can change without the server knowing (a directory on disk).
   */
  readonly generation?: number;
  stat(path: string): Promise<FileEntry>;
  list(path: string): Promise<FileEntry[]>;
  openRead(path: string, offset: number): Promise<Readable>;
  /** Only when the server is writable; otherwise FsError 'read-only'. */
  openWrite(path: string): Promise<Writable>;
  /** Removes a file (DELE); only when the server is writable, never a directory. */
  remove(path: string): Promise<void>;
}

/**
 * Resolves a client-given path against the working directory, staying inside the root: a path whose
 * ".." would climb above "/" is refused rather than silently clamped, so a traversal attempt gets 550.
 */
export function resolveVirtualPath(cwd: string, input: string): string {
  const parts = input.startsWith('/') ? [] : cwd.split('/').filter(Boolean);
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new FsError('outside-root', input, `${input}: outside the root`);
      parts.pop();
      continue;
    }
    if (part.includes('\0')) throw new FsError('not-found', input);
    parts.push(part);
  }
  return posix.join('/', ...parts);
}
