import type { DataEntry } from './data-attempts.js';

/**
 * Which data attempts the finders so far have explained, so that one failure is reported by the
 * most specific finding only (a TLS-only failure is not also a blocked port range). A finder reads
 * the claims of the finders before it and records its own through a ClaimRecorder; the pipeline in
 * diagnose.ts adds them up. A ClaimSet itself never changes.
 */
export class ClaimSet {
  static readonly empty = new ClaimSet(new Set());

  private constructor(private readonly refs: ReadonlySet<string>) {}

  has(entry: DataEntry): boolean {
    return this.refs.has(entry.ref);
  }

  with(refs: Iterable<string>): ClaimSet {
    return new ClaimSet(new Set([...this.refs, ...refs]));
  }
}

/** One finder's view of the claims: the earlier finders' and its own so far; claim() records its own. */
export class ClaimRecorder {
  private readonly own = new Set<string>();

  constructor(private readonly earlier: ClaimSet) {}

  has(entry: DataEntry): boolean {
    return this.earlier.has(entry) || this.own.has(entry.ref);
  }

  claim(entry: DataEntry): void {
    this.own.add(entry.ref);
  }

  /** The claim set after this finder. */
  result(): ClaimSet {
    return this.earlier.with(this.own);
  }
}
