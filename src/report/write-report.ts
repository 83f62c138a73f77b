import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Report } from './report-type.js';

/**
 * Writes a file whole or not at all: the text goes to a temporary file beside the target (same
 * file system, so rename(2) is atomic), is flushed to disk, then renamed over the target. A reader
 * sees the old file or the new one, never half of one; on failure the temporary file is removed.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export async function writeReport(path: string, report: Report): Promise<void> {
  await writeFileAtomic(path, reportJson(report));
}
