import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, readdir, realpath, stat, unlink } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { FsError, type FileEntry, type VirtualFs } from './virtual-fs.js';

/**
 * A directory on disk served as the FTP root. Every path is resolved with realpath() and must stay
 * inside the root's own realpath, so a symbolic link pointing out of the tree is refused like "..".
 */
export class RootFs implements VirtualFs {
  private constructor(
    private readonly realRoot: string,
    private readonly writable: boolean,
  ) {}

  static async open(root: string, writable: boolean): Promise<RootFs> {
    const real = await realpath(root);
    if (!(await stat(real)).isDirectory())
      throw new FsError('not-a-directory', root, `--root ${root} is not a directory`);
    return new RootFs(real, writable);
  }

  private inside(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot.endsWith(sep) ? this.realRoot : this.realRoot + sep);
  }

  /** The real path of an existing entry, or FsError when it is missing or escapes the root. */
  private async real(path: string): Promise<string> {
    let resolved: string;
    try {
      resolved = await realpath(join(this.realRoot, path));
    } catch {
      throw new FsError('not-found', path);
    }
    if (!this.inside(resolved)) throw new FsError('outside-root', path, `${path}: resolves outside the root`);
    return resolved;
  }

  private async entry(name: string, real: string): Promise<FileEntry> {
    const s = await stat(real);
    return {
      name,
      type: s.isDirectory() ? 'dir' : 'file',
      size: s.isDirectory() ? 0 : s.size,
      mtime: s.mtime,
      writable: this.writable,
    };
  }

  async stat(path: string): Promise<FileEntry> {
    return this.entry(path.split('/').pop() || '/', await this.real(path));
  }

  async list(path: string): Promise<FileEntry[]> {
    const real = await this.real(path);
    const s = await stat(real);
    if (!s.isDirectory()) return [await this.entry(path.split('/').pop() ?? path, real)];
    const names = await readdir(real);
    const entries: FileEntry[] = [];
    for (const name of names) {
      try {
        // a link leaving the root is left out of listings, as it cannot be opened either
        const childReal = await realpath(join(real, name));
        if (!this.inside(childReal)) continue;
        const s2 = await lstat(childReal);
        if (!s2.isFile() && !s2.isDirectory()) continue;
        entries.push(await this.entry(name, childReal));
      } catch {
        continue; // a dangling link or an entry removed while listing
      }
    }
    return entries;
  }

  async openRead(path: string, offset: number): Promise<Readable> {
    const real = await this.real(path);
    if ((await stat(real)).isDirectory()) throw new FsError('is-a-directory', path);
    return createReadStream(real, { start: offset });
  }

  async openWrite(path: string): Promise<Writable> {
    if (!this.writable) throw new FsError('read-only', path);
    const slash = path.lastIndexOf('/');
    const parentReal = await this.real(path.slice(0, slash) || '/');
    if (!(await stat(parentReal)).isDirectory()) throw new FsError('not-a-directory', path);
    const name = path.slice(slash + 1);
    const target = join(parentReal, name);
    // an existing target that is a link out of the root must not be followed by the write
    try {
      const existing = await realpath(target);
      if (!this.inside(existing)) throw new FsError('outside-root', path);
      if ((await stat(existing)).isDirectory()) throw new FsError('is-a-directory', path);
    } catch (err) {
      if (err instanceof FsError) throw err;
      // Nothing resolves there; but a dangling link would be followed by the write and create its
      // target wherever it points, outside the root included.
      const isLink = await lstat(target).then(
        (s) => s.isSymbolicLink(),
        () => false,
      );
      if (isLink) throw new FsError('outside-root', path, `${path}: a link to a missing file is not written through`);
    }
    return createWriteStream(target);
  }

  async remove(path: string): Promise<void> {
    if (!this.writable) throw new FsError('read-only', path);
    const real = await this.real(path);
    if ((await stat(real)).isDirectory()) throw new FsError('is-a-directory', path);
    await unlink(real);
  }
}
