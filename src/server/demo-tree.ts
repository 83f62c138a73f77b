import { Readable, Writable } from 'node:stream';
import { FsError, type FileEntry, type VirtualFs } from './virtual-fs.js';

/**
 * The built-in tree served when no --root is given: a few small text files, a 1 MiB binary whose
 * bytes are a fixed function of their offset (so a client can check a download byte for byte),
 * and a name with non-ASCII letters for OPTS UTF8. Uploads (--writable) live in memory only.
 */

interface MemoryFile {
  kind: 'file';
  content: Buffer;
  mtime: Date;
}
interface MemoryDir {
  kind: 'dir';
  children: Map<string, MemoryNode>;
  mtime: Date;
}
type MemoryNode = MemoryFile | MemoryDir;

export const DEMO_BINARY_BYTES = 1024 * 1024;

/** Byte i of /pub/sample-1MiB.bin. */
export function demoBinaryByte(i: number): number {
  return (i * 31 + (i >> 8)) & 0xff;
}

export function demoBinary(): Buffer {
  const b = Buffer.alloc(DEMO_BINARY_BYTES);
  for (let i = 0; i < b.length; i++) b[i] = demoBinaryByte(i);
  return b;
}

const EPOCH = new Date('2024-01-01T00:00:00Z');

function file(text: string | Buffer): MemoryFile {
  return { kind: 'file', content: typeof text === 'string' ? Buffer.from(text, 'utf8') : text, mtime: EPOCH };
}
function dir(entries: Record<string, MemoryNode>): MemoryDir {
  return { kind: 'dir', children: new Map(Object.entries(entries)), mtime: EPOCH };
}

export const DEMO_README =
  'This is the ftpdoctor reference server.\r\nIt serves a small demo tree; start it with --root DIR to serve a directory.\r\n';

function buildTree(): MemoryDir {
  return dir({
    'README.txt': file(DEMO_README),
    pub: dir({
      'hello.txt': file('hello from ftpdoctor\n'),
      'sample-1MiB.bin': file(demoBinary()),
      'grüße.txt': file('UTF-8 file name (RFC 2640)\n'),
      nested: dir({ 'deep.txt': file('three levels down\n') }),
    }),
    upload: dir({}),
  });
}

export class DemoTree implements VirtualFs {
  private readonly root = buildTree();
  /** Only STOR and DELE change this tree, and only through this class. */
  generation = 0;

  constructor(
    private readonly writable: boolean,
    private readonly maxFileBytes: number,
  ) {}

  private find(path: string): MemoryNode {
    let node: MemoryNode = this.root;
    for (const part of path.split('/').filter(Boolean)) {
      if (node.kind !== 'dir') throw new FsError('not-a-directory', path);
      const child: MemoryNode | undefined = node.children.get(part);
      if (!child) throw new FsError('not-found', path);
      node = child;
    }
    return node;
  }

  private entry(name: string, node: MemoryNode): FileEntry {
    return {
      name,
      type: node.kind,
      size: node.kind === 'file' ? node.content.length : 0,
      mtime: node.mtime,
      writable: this.writable,
    };
  }

  async stat(path: string): Promise<FileEntry> {
    return this.entry(path.split('/').pop() || '/', this.find(path));
  }

  async list(path: string): Promise<FileEntry[]> {
    const node = this.find(path);
    if (node.kind !== 'dir') return [this.entry(path.split('/').pop() ?? path, node)];
    return [...node.children].map(([name, child]) => this.entry(name, child));
  }

  async openRead(path: string, offset: number): Promise<Readable> {
    const node = this.find(path);
    if (node.kind !== 'file') throw new FsError('is-a-directory', path);
    return Readable.from([node.content.subarray(Math.min(offset, node.content.length))], { objectMode: false });
  }

  async openWrite(path: string): Promise<Writable> {
    if (!this.writable) throw new FsError('read-only', path);
    const slash = path.lastIndexOf('/');
    const parent = this.find(path.slice(0, slash) || '/');
    const name = path.slice(slash + 1);
    if (parent.kind !== 'dir') throw new FsError('not-a-directory', path);
    if (!name || parent.children.get(name)?.kind === 'dir') throw new FsError('is-a-directory', path);
    const chunks: Buffer[] = [];
    let size = 0;
    const limit = this.maxFileBytes;
    const changed = (): void => void this.generation++;
    return new Writable({
      write(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit) return done(new FsError('too-large', path, `${path}: larger than ${limit} bytes`));
        chunks.push(chunk);
        done();
      },
      final(done) {
        parent.children.set(name, { kind: 'file', content: Buffer.concat(chunks), mtime: new Date() });
        changed();
        done();
      },
    });
  }

  async remove(path: string): Promise<void> {
    if (!this.writable) throw new FsError('read-only', path);
    const slash = path.lastIndexOf('/');
    const parent = this.find(path.slice(0, slash) || '/');
    const node = this.find(path);
    if (node.kind !== 'file' || parent.kind !== 'dir') throw new FsError('is-a-directory', path);
    parent.children.delete(path.slice(slash + 1));
    this.generation++;
  }
}
