import { renderListing, type ListingFormat, type RenderedListing } from './listing.js';
import type { VirtualFs } from './virtual-fs.js';

/** Enough for every directory of a small tree in all three formats; the oldest goes first. */
const MAX_KEPT = 256;

/**
 * Rendered listings shared by all sessions. Under load the same directories are listed over and
 * over; a tree that counts its changes (VirtualFs.generation) lets one rendering serve them all
 * until the tree changes or a LIST date changes form. A tree that cannot tell (a directory on disk)
 * is listed afresh every time, as before.
 */
export class ListingCache {
  private readonly kept = new Map<string, RenderedListing & { generation: number }>();

  constructor(private readonly fs: VirtualFs) {}

  /** The listing of `path`; FsError when it cannot be listed. */
  async listing(format: ListingFormat, path: string, now = Date.now()): Promise<Buffer> {
    const generation = this.fs.generation;
    const key = `${format} ${path}`;
    const hit = generation === undefined ? undefined : this.kept.get(key);
    if (hit && hit.generation === generation && now < hit.validUntil) return hit.bytes;
    const rendered = renderListing(format, await this.fs.list(path), now);
    // a write that landed while the tree was read makes this rendering unfit to keep
    if (generation !== undefined && this.fs.generation === generation) {
      this.kept.delete(key);
      if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value as string);
      this.kept.set(key, { ...rendered, generation });
    }
    return rendered.bytes;
  }
}
