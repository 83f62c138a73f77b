import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

/**
 * Tests that need root, Linux or a program from Debian. Where the need is not met they are skipped
 * with the reason in their title, so a run's output says in one line each what did not run and why.
 */
export function missing(needs: { root?: boolean; linux?: boolean; programs?: string[] }): string | undefined {
  if (needs.linux && process.platform !== 'linux') return 'needs Linux';
  if (needs.root && process.getuid?.() !== 0) return 'needs root';
  const absent = (needs.programs ?? []).filter((p) => !existsSync(p));
  return absent.length > 0 ? `needs ${absent.join(', ')} (installed by .ci/run)` : undefined;
}

export function itIf(reason: string | undefined): typeof it {
  if (reason === undefined) return it;
  return ((title: string, fn?: () => unknown, timeout?: number) =>
    it.skip(`${title} (skipped: ${reason})`, fn, timeout)) as typeof it;
}

export function describeIf(reason: string | undefined): (title: string, fn: () => void) => void {
  if (reason === undefined) return (title, fn) => describe(title, fn);
  return (title, fn) => describe.skip(`${title} (skipped: ${reason})`, fn);
}
